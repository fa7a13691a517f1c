/**
 * `export terraform`: the bucket, its ownership controls, public access block and policy as HCL for the
 * AWS provider ≥ 4, laid out the way `terraform fmt` writes it. The policy statements come from the same
 * model as `policy print` (`vendorStatements`), turned into `data "aws_iam_policy_document"` blocks.
 */

import { DEFAULT_PRINCIPALS, type PolicyStatement } from '../policy.js';
import { BUCKET_PREFIX, NON_DEFAULT_REGION_NOTE } from '../vendor.js';
import {
  IAC_POLICY_VERSION,
  IAC_VERSION_NOTE,
  type IacOptions,
  iacPolicy,
  iacTarget,
  kmsStatementFor,
  listOf,
} from './model.js';

/** The resource name every generated resource and data source uses. */
export const TF_NAME = 'prophecy_audit_logs';
export const TF_KMS_NAME = 'prophecy_datasync_kms';

/** An HCL expression written as is (a reference or a template), as opposed to a string to quote. */
interface Raw {
  raw: string;
}
type Value = string | boolean | Raw | (string | Raw)[];

type Item =
  | { kind: 'attr'; name: string; value: Value }
  | { kind: 'block'; header: string; body: Item[] }
  | { kind: 'blank' }
  | { kind: 'comment'; text: string };

const attr = (name: string, value: Value): Item => ({ kind: 'attr', name, value });
const block = (header: string, body: Item[]): Item => ({ kind: 'block', header, body });
const blank: Item = { kind: 'blank' };
const comment = (text: string): Item => ({ kind: 'comment', text });
const raw = (text: string): Raw => ({ raw: text });
/** An HCL interpolation `${expr}`, for templates inside raw expressions. */
const interp = (expr: string): string => `$\{${expr}}`;

/** A quoted HCL string: escapes quotes, backslashes, control characters and template sequences. */
export function hclString(s: string): string {
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\$\{/g, () => '$${') // a function: in a replacement string `$$` means `$`
    .replace(/%\{/g, '%%{');
  return `"${body}"`;
}

function scalar(v: string | boolean | Raw): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return hclString(v);
  return v.raw;
}

function valueLines(v: Value, indent: string): string[] {
  if (!Array.isArray(v)) return [scalar(v)];
  if (v.length <= 1) return [`[${v.map(scalar).join(', ')}]`];
  return ['[', ...v.map((x) => `${indent}  ${scalar(x)},`), `${indent}]`];
}

/** Wraps comment text at ~100 columns into `# ` lines. */
function commentLines(text: string, indent: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && indent.length + 2 + line.length + 1 + word.length > 100) {
        out.push(`${indent}# ${line}`);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line ? `${indent}# ${line}` : `${indent}#`);
  }
  return out;
}

/** Like `terraform fmt`: `=` aligned within each run of consecutive single-line attributes. */
function renderItems(items: Item[], indent: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < items.length) {
    const item = items[i] as Item;
    if (item.kind === 'attr') {
      const run: { name: string; lines: string[] }[] = [];
      while (i < items.length && (items[i] as Item).kind === 'attr') {
        const a = items[i] as Extract<Item, { kind: 'attr' }>;
        run.push({ name: a.name, lines: valueLines(a.value, indent) });
        i++;
      }
      // A multi-line value stands alone: `terraform fmt` aligns neither the lines before it nor after it with it.
      let group: typeof run = [];
      const flush = () => {
        const width = Math.max(...group.map((g) => g.name.length));
        for (const g of group) out.push(`${indent}${g.name.padEnd(width)} = ${g.lines[0]}`);
        group = [];
      };
      for (const r of run) {
        if (r.lines.length === 1) {
          group.push(r);
          continue;
        }
        if (group.length > 0) flush();
        const [first, ...rest] = r.lines;
        out.push(`${indent}${r.name} = ${first}`, ...rest);
      }
      if (group.length > 0) flush();
      continue;
    }
    if (item.kind === 'blank') out.push('');
    else if (item.kind === 'comment') out.push(...commentLines(item.text, indent));
    else out.push(`${indent}${item.header} {`, ...renderItems(item.body, `${indent}  `), `${indent}}`);
    i++;
  }
  return out;
}

/**
 * Joins top-level items with one blank line between them, like a hand-written file; a comment sits
 * directly above the item it introduces, except the file's opening comment.
 */
function renderFile(items: Item[]): string {
  let text = '';
  items.forEach((item, i) => {
    const previous = items[i - 1];
    if (i > 0) text += previous?.kind === 'comment' && i > 1 ? '\n' : '\n\n';
    text += renderItems([item], '').join('\n');
  });
  return `${text}\n`;
}

/** Where the generated statements take their bucket ARNs from. */
interface ArnSource {
  bucketArn: string | Raw;
  objectsArn: string | Raw;
}

function principalBlocks(element: PolicyStatement['Principal'], blockName: string): Item[] {
  if (element === undefined) return [];
  if (element === '*') return [block(blockName, [attr('type', '*'), attr('identifiers', ['*'])])];
  return Object.entries(element).map(([type, ids]) =>
    block(blockName, [attr('type', type), attr('identifiers', listOf(ids))]),
  );
}

/** One `statement` block of an aws_iam_policy_document for a policy statement. */
function statementBlock(
  s: PolicyStatement,
  arns?: { bucket: string; source: ArnSource },
  conditionValue: (v: string) => string | Raw = (v) => v,
): Item {
  const resource = (r: string): string | Raw => {
    if (!arns) return r;
    if (r === `arn:aws:s3:::${arns.bucket}`) return arns.source.bucketArn;
    if (r === `arn:aws:s3:::${arns.bucket}/*`) return arns.source.objectsArn;
    return r;
  };
  const head: Item[] = [];
  if (s.Sid !== undefined) head.push(attr('sid', s.Sid));
  head.push(attr('effect', s.Effect));
  if (s.Action !== undefined) head.push(attr('actions', listOf(s.Action)));
  if (s.NotAction !== undefined) head.push(attr('not_actions', listOf(s.NotAction)));
  if (s.Resource !== undefined) head.push(attr('resources', listOf(s.Resource).map(resource)));
  if (s.NotResource !== undefined) head.push(attr('not_resources', listOf(s.NotResource).map(resource)));
  const nested: Item[] = [
    ...principalBlocks(s.Principal, 'principals'),
    ...principalBlocks(s.NotPrincipal, 'not_principals'),
  ];
  for (const [test, byKey] of Object.entries(s.Condition ?? {})) {
    for (const [variable, values] of Object.entries(byKey)) {
      nested.push(
        block('condition', [
          attr('test', test),
          attr('variable', variable),
          attr(
            'values',
            listOf(values as string | string[]).map((v) => conditionValue(String(v))),
          ),
        ]),
      );
    }
  }
  const body: Item[] = [...head];
  for (const n of nested) body.push(blank, n);
  return block('statement', body);
}

function header(text: string): Item {
  return comment(text);
}

/**
 * The HCL text of `export terraform`. Full mode: provider requirement, variables (suffix or bucket name,
 * region), the bucket with BucketOwnerEnforced and all four public-access blocks, the policy, and outputs.
 * Policy-only mode: the policy document and the aws_s3_bucket_policy, with the bucket named literally.
 */
export function renderTerraform(options: IacOptions): string {
  const target = iacTarget(options);
  const principals = options.principals ?? DEFAULT_PRINCIPALS;
  const policy = iacPolicy(target.bucket, principals);
  const full = !options.policyOnly;
  const items: Item[] = [];

  items.push(
    header(
      full
        ? `The S3 bucket that receives Prophecy's audit logs through AWS DataSync (generated by prophecy-audit, from the same policy model as \`prophecy-audit policy print\`). After apply, send Prophecy the bucket_arn and region outputs.`
        : `The bucket policy Prophecy's AWS DataSync needs on ${target.bucket} (generated by prophecy-audit, from the same policy model as \`prophecy-audit policy print\`). The bucket itself is yours: keep Object Ownership BucketOwnerEnforced and all four public access blocks on.`,
    ),
  );
  if (full) {
    items.push(
      block('terraform', [
        block('required_providers', [
          attr('aws', raw(`{\n      source  = "hashicorp/aws"\n      version = ">= 4.0"\n    }`)),
        ]),
      ]),
    );
    if (target.kind === 'suffix') {
      items.push(
        block('variable "suffix"', [
          attr('description', `The bucket is ${BUCKET_PREFIX}<suffix>.`),
          attr('type', raw('string')),
          attr('default', target.suffix),
        ]),
      );
    } else {
      items.push(
        block('variable "bucket_name"', [
          attr('description', "The bucket that receives Prophecy's audit logs."),
          attr('type', raw('string')),
          attr('default', target.bucket),
        ]),
      );
    }
    items.push(
      block('variable "region"', [
        attr(
          'description',
          options.region === 'us-east-1'
            ? 'The bucket region; Prophecy recommends us-east-1.'
            : NON_DEFAULT_REGION_NOTE,
        ),
        attr('type', raw('string')),
        attr('default', options.region),
      ]),
      block('provider "aws"', [attr('region', raw('var.region'))]),
      block('locals', [
        attr(
          'bucket_name',
          target.kind === 'suffix'
            ? raw(`"${BUCKET_PREFIX}${interp('var.suffix')}"`)
            : raw('var.bucket_name'),
        ),
        comment('Built from the name, not aws_s3_bucket.arn, so the policy is known at plan time and'),
        comment('`prophecy-audit verify --policy-file` can check a plan that creates the bucket.'),
        attr('bucket_arn', raw(`"arn:aws:s3:::${interp('local.bucket_name')}"`)),
      ]),
      block(`resource "aws_s3_bucket" "${TF_NAME}"`, [attr('bucket', raw('local.bucket_name'))]),
      block(`resource "aws_s3_bucket_ownership_controls" "${TF_NAME}"`, [
        attr('bucket', raw(`aws_s3_bucket.${TF_NAME}.id`)),
        blank,
        block('rule', [attr('object_ownership', 'BucketOwnerEnforced')]),
      ]),
      block(`resource "aws_s3_bucket_public_access_block" "${TF_NAME}"`, [
        attr('bucket', raw(`aws_s3_bucket.${TF_NAME}.id`)),
        blank,
        attr('block_public_acls', true),
        attr('block_public_policy', true),
        attr('ignore_public_acls', true),
        attr('restrict_public_buckets', true),
      ]),
    );
  }

  const arns = full
    ? {
        bucket: target.bucket,
        source: { bucketArn: raw('local.bucket_arn'), objectsArn: raw(`"${interp('local.bucket_arn')}/*"`) },
      }
    : undefined;
  const docBody: Item[] = [comment(IAC_VERSION_NOTE), attr('version', IAC_POLICY_VERSION)];
  for (const s of policy.Statement) docBody.push(blank, statementBlock(s, arns));
  items.push(block(`data "aws_iam_policy_document" "${TF_NAME}"`, docBody));

  const policyResource: Item[] = [
    attr('bucket', full ? raw(`aws_s3_bucket.${TF_NAME}.id`) : target.bucket),
    attr('policy', raw(`data.aws_iam_policy_document.${TF_NAME}.json`)),
  ];
  if (full) {
    policyResource.push(
      blank,
      comment('S3 rejects concurrent changes to one bucket; apply the policy after the access block.'),
      attr('depends_on', [raw(`aws_s3_bucket_public_access_block.${TF_NAME}`)]),
    );
  }
  items.push(block(`resource "aws_s3_bucket_policy" "${TF_NAME}"`, policyResource));

  if (options.kmsKeyArn !== undefined) {
    const kms = kmsStatementFor(principals, options.region);
    const viaService = `s3.${options.region}.amazonaws.com`;
    // In the full file the ViaService value follows var.region, like the bucket does.
    const kmsBlock = statementBlock(kms, undefined, (v) =>
      full && v === viaService ? raw(`"s3.${interp('var.region')}.amazonaws.com"`) : v,
    );
    items.push(
      header(
        `Your bucket is encrypted with the customer-managed key ${options.kmsKeyArn}: its key policy must let DataSync's role use the key through S3. aws_kms_key_policy replaces the whole key policy and cannot merge, so this is only the statement: merge it into the key's policy yourself, e.g. source_policy_documents = [data.aws_iam_policy_document.${TF_KMS_NAME}.json] in the data source that builds the key policy.`,
      ),
    );
    items.push(
      block(`data "aws_iam_policy_document" "${TF_KMS_NAME}"`, [
        attr('version', IAC_POLICY_VERSION),
        blank,
        kmsBlock,
      ]),
    );
  }

  if (full) {
    items.push(
      block('output "bucket_arn"', [
        attr('description', 'Send this to Prophecy.'),
        attr('value', raw(`aws_s3_bucket.${TF_NAME}.arn`)),
      ]),
      block('output "region"', [
        attr('description', 'Send this to Prophecy with the bucket ARN.'),
        attr('value', raw(`aws_s3_bucket.${TF_NAME}.region`)),
      ]),
    );
  }
  return renderFile(items);
}
