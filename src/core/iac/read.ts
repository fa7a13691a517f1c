/**
 * The input of `verify --policy-file`, detected by content: a bucket policy JSON document, a CloudFormation
 * template (YAML with short-form intrinsics, or JSON), or the output of `terraform show -json <planfile>`.
 * Everything is reduced to plain data — one entry per bucket policy (and per bucket without one) — that the
 * offline verify turns into a BucketState for the same checks as the live bucket.
 *
 * Nothing is guessed: a value that cannot be known before deployment (another resource's attribute, a
 * parameter without a Default, a Terraform value "known after apply" that the configuration does not fix)
 * leaves the entry without a policy and names the value in `problems`.
 */
import { parseDocument } from 'yaml';
import type { BucketState, PublicAccessBlock } from '../bucket-state.js';
import { bucketArn } from '../policy.js';

export type PolicyInputKind = 'policy' | 'cloudformation' | 'terraform-plan';

export interface PolicyInputEntry {
  /** Where it came from: `policy document`, a CloudFormation logical id, or a Terraform resource address. */
  source: string;
  /** The bucket it applies to, when the input names it (or `options.bucket` stands in, see `notes`). */
  bucket?: string;
  /** The parsed policy document; absent when there is none or it cannot be determined (see `problems`). */
  policy?: unknown;
  /** Why the entry cannot be checked (fully); non-empty means "not checkable", never "pass". */
  problems: string[];
  /** Facts worth showing that do not stop the check (e.g. a placeholder account id was used). */
  notes: string[];
  /** Object Ownership, when the input sets it for this bucket. */
  ownership?: string;
  /** Block Public Access, when the input sets it for this bucket (unset flags are false, as in AWS). */
  publicAccessBlock?: PublicAccessBlock;
}

export interface PolicyInput {
  kind: PolicyInputKind;
  entries: PolicyInputEntry[];
}

export interface ReadPolicyOptions {
  /** The bucket being verified; names a CloudFormation bucket that has no BucketName, and a bare policy's bucket. */
  bucket?: string | undefined;
  /** Stands in for `AWS::Region` in CloudFormation (otherwise it is reported as unresolvable). */
  region?: string | undefined;
}

/** Input that cannot be read at all; `line`/`column` (1-based) point at the problem when known. */
export class PolicyInputError extends Error {
  override name = 'PolicyInputError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line !== undefined ? `${message} (line ${line}, column ${column})` : message);
  }
}

/**
 * `${AWS::AccountId}` is the account that deploys the template, which is unknown offline. It stands in as
 * 000000000000: AWS never issues that account id, so it cannot equal the vendor's account (or any real
 * principal), and a grant to `arn:aws:iam::${AWS::AccountId}:root` is never taken for a grant to Prophecy.
 */
export const PLACEHOLDER_ACCOUNT_ID = '000000000000';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// Parsing and detection

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(message);
    if (lc) throw new PolicyInputError(`invalid JSON: ${message}`, Number(lc[1]), Number(lc[2]));
    const pos = /position (\d+)/.exec(message);
    const { line, column } = lineColumn(text, pos ? Number(pos[1]) : text.length);
    throw new PolicyInputError(
      `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      line,
      column,
    );
  }
}

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'Equals',
  'And',
  'Or',
  'Not',
  'If',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'Length',
  'ToJsonString',
];

/** CloudFormation's short forms (`!Sub x`, `!GetAtt A.B`, `!Join [...]`) as the long forms they stand for. */
const CFN_TAGS = [
  ...['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    return [
      {
        tag: `!${name}`,
        resolve: (s: string) => ({ [key]: name === 'GetAtt' ? splitGetAtt(s) : s }),
      },
      {
        tag: `!${name}`,
        collection: 'seq' as const,
        resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }),
      },
      {
        tag: `!${name}`,
        collection: 'map' as const,
        resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }),
      },
    ];
  }),
];

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

function parseYaml(text: string): unknown {
  // biome-ignore lint/suspicious/noExplicitAny: yaml's tag typings do not cover a mixed scalar/collection list
  const doc = parseDocument(text, { customTags: CFN_TAGS as any, uniqueKeys: true });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const message =
      problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw new PolicyInputError(`invalid YAML: ${message}`, pos?.line, pos?.col);
  }
  return doc.toJS();
}

function detect(doc: unknown): PolicyInputKind {
  if (isObject(doc)) {
    if ('resource_changes' in doc || ('format_version' in doc && 'terraform_version' in doc)) {
      return 'terraform-plan';
    }
    if (isObject(doc.Resources) || 'AWSTemplateFormatVersion' in doc) return 'cloudformation';
    if ('Statement' in doc) return 'policy';
  }
  throw new PolicyInputError(
    'not a bucket policy (no Statement), a CloudFormation template (no Resources) or the output of `terraform show -json <planfile>` (no resource_changes)',
  );
}

/** Reads and classifies `verify --policy-file` input; throws PolicyInputError when it cannot be parsed. */
export function readPolicyInput(text: string, options: ReadPolicyOptions = {}): PolicyInput {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new PolicyInputError('the input is empty');
  const doc = /^\s*[{[]/.test(body) ? parseJson(body) : parseYaml(body);
  const kind = detect(doc);
  const entries =
    kind === 'policy'
      ? [policyEntry(doc, options)]
      : kind === 'cloudformation'
        ? readCloudFormation(doc as Json, options)
        : readTerraformPlan(doc as Json);
  return { kind, entries };
}

function policyEntry(doc: unknown, options: ReadPolicyOptions): PolicyInputEntry {
  const entry: PolicyInputEntry = { source: 'policy document', policy: doc, problems: [], notes: [] };
  if (options.bucket !== undefined) entry.bucket = options.bucket;
  return entry;
}

// ---------------------------------------------------------------------------------------------------------
// CloudFormation

const UNRESOLVED = Symbol('unresolved');
const NO_VALUE = Symbol('AWS::NoValue');

class CfnResolver {
  private readonly resolving = new Set<string>();

  constructor(
    private readonly template: Json,
    private readonly options: ReadPolicyOptions,
    private readonly problems: string[],
    private readonly notes: string[],
  ) {}

  private get resources(): Json {
    return isObject(this.template.Resources) ? this.template.Resources : {};
  }

  private problem(path: string, text: string): typeof UNRESOLVED {
    const line = `${path}: ${text}`;
    if (!this.problems.includes(line)) this.problems.push(line);
    return UNRESOLVED;
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** The value with every intrinsic function replaced, or UNRESOLVED (and a problem recorded). */
  resolve(value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      let failed = false;
      value.forEach((v, i) => {
        const r = this.resolve(v, `${path}[${i}]`);
        if (r === UNRESOLVED) failed = true;
        else if (r !== NO_VALUE) out.push(r);
      });
      return failed ? UNRESOLVED : out;
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? (keys[0] as string) : undefined;
    if (only === 'Ref') return this.ref(value.Ref, path);
    if (only?.startsWith('Fn::')) return this.fn(only, value[only], path);
    const out: Json = {};
    let failed = false;
    for (const k of keys) {
      const r = this.resolve(value[k], path ? `${path}.${k}` : k);
      if (r === UNRESOLVED) failed = true;
      else if (r !== NO_VALUE) out[k] = r;
    }
    return failed ? UNRESOLVED : out;
  }

  private ref(name: unknown, path: string): unknown {
    if (typeof name !== 'string') return this.problem(path, 'Ref takes a name');
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::AccountId':
        this.note(
          `AWS::AccountId (the deploying account) stands in as ${PLACEHOLDER_ACCOUNT_ID}, an account id AWS never issues`,
        );
        return PLACEHOLDER_ACCOUNT_ID;
      case 'AWS::Region':
        if (this.options.region !== undefined) {
          this.note(`AWS::Region is taken as ${this.options.region}, the expected region`);
          return this.options.region;
        }
        return this.problem(path, 'AWS::Region is known only at deployment');
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (name.startsWith('AWS::')) return this.problem(path, `${name} is known only at deployment`);
    const params = isObject(this.template.Parameters) ? this.template.Parameters : {};
    const param = params[name];
    if (isObject(param)) {
      if (param.Default === undefined) return this.problem(path, `parameter ${name} has no Default`);
      return typeof param.Default === 'number' ? String(param.Default) : param.Default;
    }
    const resource = this.resources[name];
    if (isObject(resource)) {
      if (resource.Type === 'AWS::S3::Bucket') return this.bucketName(name, path);
      return this.problem(path, `Ref ${name} (${String(resource.Type)}) is known only after deployment`);
    }
    return this.problem(path, `Ref ${name}: no parameter or resource of that name`);
  }

  /** The name of the template's bucket `id`: its BucketName, resolved. */
  bucketName(id: string, path: string): unknown {
    const resource = this.resources[id];
    const props = isObject(resource) && isObject(resource.Properties) ? resource.Properties : {};
    if (props.BucketName === undefined) {
      if (this.options.bucket !== undefined) {
        this.note(
          `bucket ${id} has no BucketName (CloudFormation generates one); taken as ${this.options.bucket}, the bucket being verified`,
        );
        return this.options.bucket;
      }
      return this.problem(
        path,
        `bucket ${id} has no BucketName, so CloudFormation generates its name at deployment`,
      );
    }
    if (this.resolving.has(id)) return this.problem(path, `bucket ${id}'s name refers to itself`);
    this.resolving.add(id);
    try {
      const name = this.resolve(props.BucketName, `${id}.BucketName`);
      if (name === UNRESOLVED) return this.problem(path, `the name of bucket ${id} cannot be resolved`);
      return name;
    } finally {
      this.resolving.delete(id);
    }
  }

  private getAtt(arg: unknown, path: string): unknown {
    const parts = typeof arg === 'string' ? splitGetAtt(arg) : arg;
    if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
      return this.problem(path, 'Fn::GetAtt takes [LogicalId, Attribute]');
    }
    const [id, attribute] = parts as [string, unknown];
    const resource = this.resources[id];
    if (!isObject(resource)) return this.problem(path, `Fn::GetAtt ${id}: no resource of that name`);
    if (resource.Type === 'AWS::S3::Bucket' && attribute === 'Arn') {
      const name = this.bucketName(id, path);
      return name === UNRESOLVED ? UNRESOLVED : bucketArn(String(name));
    }
    return this.problem(path, `${id}.${String(attribute)} is known only after deployment`);
  }

  private fn(name: string, arg: unknown, path: string): unknown {
    switch (name) {
      case 'Fn::GetAtt':
        return this.getAtt(arg, path);
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2)
          return this.problem(path, 'Fn::Join takes [delimiter, list]');
        const parts = this.resolve(arg[1], `${path}.Fn::Join`);
        const delimiter = this.resolve(arg[0], `${path}.Fn::Join`);
        if (parts === UNRESOLVED || delimiter === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(parts)) return this.problem(path, 'Fn::Join needs a list');
        return parts.map(String).join(String(delimiter));
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2)
          return this.problem(path, 'Fn::Select takes [index, list]');
        const index = this.resolve(arg[0], `${path}.Fn::Select`);
        const list = this.resolve(arg[1], `${path}.Fn::Select`);
        if (index === UNRESOLVED || list === UNRESOLVED) return UNRESOLVED;
        if (!Array.isArray(list) || list[Number(index)] === undefined) {
          return this.problem(path, 'Fn::Select index out of range');
        }
        return list[Number(index)];
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2)
          return this.problem(path, 'Fn::Split takes [delimiter, string]');
        const source = this.resolve(arg[1], `${path}.Fn::Split`);
        if (source === UNRESOLVED) return UNRESOLVED;
        return String(source).split(String(arg[0]));
      }
      case 'Fn::FindInMap': {
        const keys = this.resolve(arg, `${path}.Fn::FindInMap`);
        if (keys === UNRESOLVED) return UNRESOLVED;
        const mappings = isObject(this.template.Mappings) ? this.template.Mappings : {};
        const [map, top, second] = Array.isArray(keys) ? keys.map(String) : [];
        const table = map !== undefined ? mappings[map] : undefined;
        const row = isObject(table) && top !== undefined ? table[top] : undefined;
        const value = isObject(row) && second !== undefined ? row[second] : undefined;
        if (value === undefined)
          return this.problem(path, `Fn::FindInMap ${JSON.stringify(keys)}: no such entry`);
        return value;
      }
      default:
        return this.problem(path, `${name} cannot be evaluated before deployment`);
    }
  }

  private sub(arg: unknown, path: string): unknown {
    let template: unknown = arg;
    let vars: Json = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2 || !isObject(arg[1]))
        return this.problem(path, 'Fn::Sub takes a string or [string, variables]');
      template = arg[0];
      vars = arg[1];
    }
    if (typeof template !== 'string') return this.problem(path, 'Fn::Sub needs a string');
    let failed = false;
    const out = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      let value: unknown;
      if (name in vars) value = this.resolve(vars[name], `${path}.${name}`);
      else if (name.includes('.') && !name.startsWith('AWS::')) value = this.getAtt(name, path);
      else value = this.ref(name, path);
      if (value === UNRESOLVED || value === NO_VALUE || typeof value === 'object') {
        if (value !== UNRESOLVED) this.problem(path, `\${${name}} is not a string`);
        failed = true;
        return whole;
      }
      return String(value);
    });
    return failed ? UNRESOLVED : out;
  }
}

function cfnOwnership(bucket: Json, resolver: CfnResolver, id: string): string | undefined {
  const props = isObject(bucket.Properties) ? bucket.Properties : {};
  if (props.OwnershipControls === undefined) return undefined;
  const controls = resolver.resolve(props.OwnershipControls, `${id}.OwnershipControls`);
  if (!isObject(controls) || !Array.isArray(controls.Rules)) return undefined;
  const rule = controls.Rules[0];
  return isObject(rule) && typeof rule.ObjectOwnership === 'string' ? rule.ObjectOwnership : undefined;
}

const PAB_KEYS: (keyof PublicAccessBlock)[] = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

function cfnPublicAccessBlock(
  bucket: Json,
  resolver: CfnResolver,
  id: string,
): PublicAccessBlock | undefined {
  const props = isObject(bucket.Properties) ? bucket.Properties : {};
  if (props.PublicAccessBlockConfiguration === undefined) return undefined;
  const config = resolver.resolve(
    props.PublicAccessBlockConfiguration,
    `${id}.PublicAccessBlockConfiguration`,
  );
  if (!isObject(config)) return undefined;
  // CloudFormation takes "true" as well as true; an unset flag is false.
  const flag = (v: unknown) => v === true || v === 'true';
  return Object.fromEntries(PAB_KEYS.map((k) => [k, flag(config[k])])) as unknown as PublicAccessBlock;
}

function readCloudFormation(template: Json, options: ReadPolicyOptions): PolicyInputEntry[] {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const buckets = Object.entries(resources).filter(
    (e): e is [string, Json] => isObject(e[1]) && e[1].Type === 'AWS::S3::Bucket',
  );
  const covered = new Set<string>();
  const entries: PolicyInputEntry[] = [];

  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::S3::BucketPolicy') continue;
    const entry: PolicyInputEntry = { source: id, problems: [], notes: [] };
    const resolver = new CfnResolver(template, options, entry.problems, entry.notes);
    const props = isObject(resource.Properties) ? resource.Properties : {};
    if (typeof resource.Condition === 'string') {
      entry.notes.push(`created only when the template's condition ${resource.Condition} holds`);
    }
    // The bucket: a Ref to the template's own bucket links its ownership and access-block settings.
    const bucketRef =
      isObject(props.Bucket) && typeof props.Bucket.Ref === 'string' ? props.Bucket.Ref : undefined;
    const name = resolver.resolve(props.Bucket, `${id}.Bucket`);
    if (typeof name === 'string') entry.bucket = name;
    let doc = props.PolicyDocument;
    if (typeof doc === 'string') {
      try {
        doc = JSON.parse(doc);
      } catch (err) {
        entry.problems.push(`${id}.PolicyDocument: not valid JSON (${(err as Error).message})`);
      }
    }
    if (doc === undefined) entry.problems.push(`${id}: no PolicyDocument`);
    else if (isObject(doc) || Array.isArray(doc)) {
      // Resolved even when the bucket was not, so that every unresolvable value is named at once.
      const policy = resolver.resolve(doc, `${id}.PolicyDocument`);
      if (policy !== UNRESOLVED) entry.policy = policy;
    } else entry.problems.push(`${id}.PolicyDocument: not a policy document`);
    const own =
      buckets.find(([bid]) => bid === bucketRef) ??
      (entry.bucket === undefined
        ? undefined
        : buckets.find(([bid]) => bucketNameOf(template, options, bid) === entry.bucket));
    if (own) {
      covered.add(own[0]);
      attachCfnBucket(entry, template, options, own);
    }
    if (entry.problems.length > 0) delete entry.policy;
    entries.push(entry);
  }

  for (const bucket of buckets) {
    if (covered.has(bucket[0])) continue;
    const entry: PolicyInputEntry = { source: bucket[0], problems: [], notes: [] };
    const name = new CfnResolver(template, options, [], entry.notes).bucketName(bucket[0], bucket[0]);
    if (typeof name === 'string') entry.bucket = name;
    attachCfnBucket(entry, template, options, bucket);
    entry.problems.push(`${bucket[0]}: no AWS::S3::BucketPolicy in the template applies to this bucket`);
    entries.push(entry);
  }
  return entries;
}

function bucketNameOf(template: Json, options: ReadPolicyOptions, id: string): string | undefined {
  const name = new CfnResolver(template, options, [], []).bucketName(id, id);
  return typeof name === 'string' ? name : undefined;
}

function attachCfnBucket(
  entry: PolicyInputEntry,
  template: Json,
  options: ReadPolicyOptions,
  [id, bucket]: [string, Json],
) {
  // Problems resolving the bucket's settings are the settings' own: they do not make the policy uncheckable.
  const resolver = new CfnResolver(template, options, [], entry.notes);
  const ownership = cfnOwnership(bucket, resolver, id);
  if (ownership !== undefined) entry.ownership = ownership;
  const pab = cfnPublicAccessBlock(bucket, resolver, id);
  if (pab !== undefined) entry.publicAccessBlock = pab;
}

// ---------------------------------------------------------------------------------------------------------
// Terraform plan (`terraform show -json <planfile>`)

interface ResourceChange {
  address: string;
  module_address?: string;
  mode: string;
  type: string;
  name: string;
  change: { actions: string[]; after?: unknown; after_unknown?: unknown };
}

interface ConfigResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  expressions?: Json;
}

interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/** The configuration module of a resource change (`module.a[0].module.b` → root.module_calls.a.module…). */
function configModule(plan: Json, moduleAddress: string | undefined): ConfigModule | undefined {
  const config = isObject(plan.configuration) ? plan.configuration : undefined;
  let mod = config && isObject(config.root_module) ? (config.root_module as ConfigModule) : undefined;
  if (!moduleAddress) return mod;
  for (const m of moduleAddress.matchAll(/module\.([^.[]+)(?:\[[^\]]*\])?/g)) {
    mod = mod?.module_calls?.[m[1] as string]?.module;
  }
  return mod;
}

function configResource(
  plan: Json,
  rc: { module_address?: string; mode: string; type: string; name: string },
) {
  return configModule(plan, rc.module_address)?.resources?.find(
    (r) => r.mode === rc.mode && r.type === rc.type && r.name === rc.name,
  );
}

function references(expr: unknown): string[] {
  return isObject(expr) && Array.isArray(expr.references) ? expr.references.map(String) : [];
}

const after = (rc: ResourceChange): Json => (isObject(rc.change.after) ? rc.change.after : {});
const afterUnknown = (rc: ResourceChange): Json =>
  isObject(rc.change.after_unknown) ? rc.change.after_unknown : {};

/** What a policy document data source's configuration says, when every part of it is a constant. */
function documentFromConfig(data: ConfigResource, problems: string[]): Json | undefined {
  const expr = data.expressions ?? {};
  const where = `data.aws_iam_policy_document.${data.name}`;
  const unknown: string[] = [];
  const constant = (e: unknown, path: string): unknown => {
    if (isObject(e) && 'constant_value' in e) return e.constant_value;
    // Terraform lists `aws_s3_bucket.x.arn` and `aws_s3_bucket.x`; name only the most specific.
    const refs = [...new Set(references(e))];
    const specific = refs.filter((r) => !refs.some((o) => o !== r && o.startsWith(`${r}.`)));
    unknown.push(`${where}.${path}${specific.length > 0 ? ` (depends on ${specific.join(', ')})` : ''}`);
    return undefined;
  };
  for (const key of Object.keys(expr)) {
    if (key !== 'version' && key !== 'statement') {
      problems.push(`${where}.${key} is not evaluated offline`);
    }
  }
  const doc: Json = {};
  if (expr.version !== undefined) doc.Version = constant(expr.version, 'version');
  const blocks = Array.isArray(expr.statement) ? expr.statement : [];
  doc.Statement = blocks.map((b: unknown, i: number) => {
    const block = isObject(b) ? b : {};
    const s: Json = {};
    const at = (k: string) => `statement[${i}].${k}`;
    const list = (k: string, out: string) => {
      if (block[k] !== undefined) s[out] = collapse(constant(block[k], at(k)));
    };
    if (block.sid !== undefined) s.Sid = constant(block.sid, at('sid'));
    s.Effect = block.effect !== undefined ? constant(block.effect, at('effect')) : 'Allow';
    list('actions', 'Action');
    list('not_actions', 'NotAction');
    list('resources', 'Resource');
    list('not_resources', 'NotResource');
    for (const [k, out] of [
      ['principals', 'Principal'],
      ['not_principals', 'NotPrincipal'],
    ] as const) {
      const ps = Array.isArray(block[k]) ? (block[k] as unknown[]) : [];
      if (ps.length === 0) continue;
      const principal: Json = {};
      ps.forEach((p, j) => {
        const pb = isObject(p) ? p : {};
        const type = constant(pb.type, `${at(k)}[${j}].type`);
        const ids = constant(pb.identifiers, `${at(k)}[${j}].identifiers`);
        if (typeof type !== 'string' || !Array.isArray(ids)) return;
        const merged = [
          ...(principal[type] === undefined ? [] : ([] as unknown[]).concat(principal[type])),
          ...ids,
        ];
        principal[type] = collapse(merged);
      });
      s[out] = principal['*'] !== undefined ? '*' : principal;
    }
    const conditions = Array.isArray(block.condition) ? (block.condition as unknown[]) : [];
    if (conditions.length > 0) {
      const condition: Record<string, Json> = {};
      conditions.forEach((c, j) => {
        const cb = isObject(c) ? c : {};
        const test = constant(cb.test, `${at('condition')}[${j}].test`);
        const variable = constant(cb.variable, `${at('condition')}[${j}].variable`);
        const values = constant(cb.values, `${at('condition')}[${j}].values`);
        if (typeof test !== 'string' || typeof variable !== 'string') return;
        condition[test] = { ...(condition[test] ?? {}), [variable]: collapse(values) };
      });
      s.Condition = condition;
    }
    return s;
  });
  if (unknown.length > 0) {
    problems.push(...unknown.map((u) => `${u} is known only after apply`));
    return undefined;
  }
  return doc;
}

/** aws_iam_policy_document writes a one-element list as a plain string. */
function collapse(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** The policy of an aws_s3_bucket_policy whose `policy` is known only after apply, from the configuration. */
function policyFromConfiguration(plan: Json, rc: ResourceChange, entry: PolicyInputEntry): unknown {
  const config = configResource(plan, rc);
  const expr = config?.expressions?.policy;
  if (expr === undefined) {
    entry.problems.push(
      `${rc.address}: the policy is known only after apply and the plan has no configuration for it`,
    );
    return undefined;
  }
  if (isObject(expr) && typeof expr.constant_value === 'string') {
    try {
      return JSON.parse(expr.constant_value);
    } catch (err) {
      entry.problems.push(
        `${rc.address}: the configured policy is not valid JSON (${(err as Error).message})`,
      );
      return undefined;
    }
  }
  const refs = references(expr);
  const dataRef = refs.map((r) => /^data\.aws_iam_policy_document\.([^.[]+)/.exec(r)?.[1]).find(Boolean);
  const data = dataRef
    ? configResource(plan, {
        module_address: rc.module_address,
        mode: 'data',
        type: 'aws_iam_policy_document',
        name: dataRef,
      })
    : undefined;
  if (!data) {
    entry.problems.push(
      `${rc.address}: the policy is known only after apply (it depends on ${refs.join(', ') || 'an expression'}), so it cannot be checked before apply`,
    );
    return undefined;
  }
  const problems: string[] = [];
  const doc = documentFromConfig(data, problems);
  if (problems.length > 0 || doc === undefined) {
    entry.problems.push(
      `${rc.address}: the policy is known only after apply and its configuration does not fix it`,
      ...problems,
    );
    return undefined;
  }
  entry.notes.push(
    `${rc.address}: the policy is known only after apply; checked as configured in data.aws_iam_policy_document.${dataRef}`,
  );
  return doc;
}

function readTerraformPlan(plan: Json): PolicyInputEntry[] {
  const changes = (Array.isArray(plan.resource_changes) ? plan.resource_changes : []).filter(
    (rc): rc is ResourceChange =>
      isObject(rc) && isObject(rc.change) && typeof rc.address === 'string' && rc.mode === 'managed',
  );
  const bucketNames = new Map<string, string>();
  for (const rc of changes) {
    if (rc.type === 'aws_s3_bucket' && typeof after(rc).bucket === 'string') {
      bucketNames.set(rc.address, after(rc).bucket as string);
    }
  }
  /** The bucket a bucket-level resource applies to: its known name, or the aws_s3_bucket it references. */
  const bucketOf = (rc: ResourceChange): { name?: string; key: string } => {
    const known = after(rc).bucket;
    if (typeof known === 'string') return { name: known, key: known };
    const refs = references(configResource(plan, rc)?.expressions?.bucket);
    const prefix = rc.module_address ? `${rc.module_address}.` : '';
    const bucketRef = refs.map((r) => /^aws_s3_bucket\.[^.]+(?:\[[^\]]*\])?/.exec(r)?.[0]).find(Boolean);
    if (bucketRef) {
      const address = `${prefix}${bucketRef}`;
      const name = bucketNames.get(address);
      return name !== undefined ? { name, key: name } : { key: address };
    }
    return { key: rc.address };
  };

  const entries = new Map<string, PolicyInputEntry>();
  for (const rc of changes) {
    if (rc.type !== 'aws_s3_bucket_policy') continue;
    const { name, key } = bucketOf(rc);
    const entry: PolicyInputEntry = { source: rc.address, problems: [], notes: [] };
    if (name !== undefined) entry.bucket = name;
    if (entries.has(key)) {
      // Two policies for one bucket: the last one applied wins, and the plan does not say which that is.
      entry.problems.push(`${rc.address}: ${entries.get(key)?.source} is a policy for the same bucket too`);
      entries.set(rc.address, entry);
    } else entries.set(key, entry);
    const actions = rc.change.actions;
    if (!actions.includes('create') && !actions.includes('update') && actions.includes('delete')) {
      entry.problems.push(`${rc.address}: the plan deletes this bucket policy`);
      continue;
    }
    const policy = after(rc).policy;
    if (typeof policy === 'string') {
      try {
        entry.policy = JSON.parse(policy);
      } catch (err) {
        entry.problems.push(
          `${rc.address}: the planned policy is not valid JSON (${(err as Error).message})`,
        );
      }
    } else if (afterUnknown(rc).policy === true) {
      const doc = policyFromConfiguration(plan, rc, entry);
      if (doc !== undefined) entry.policy = doc;
    } else {
      entry.problems.push(`${rc.address}: the plan shows no policy for it`);
    }
  }

  const entryFor = (rc: ResourceChange): PolicyInputEntry => {
    const { name, key } = bucketOf(rc);
    let entry = entries.get(key);
    if (!entry) {
      entry = {
        source: rc.address,
        problems: [`${rc.address}: no aws_s3_bucket_policy in the plan applies to this bucket`],
        notes: [],
      };
      if (name !== undefined) entry.bucket = name;
      entries.set(key, entry);
    }
    return entry;
  };
  for (const rc of changes) {
    if (rc.change.actions.includes('delete') && !rc.change.actions.includes('create')) continue;
    if (rc.type === 'aws_s3_bucket_ownership_controls') {
      const rule = after(rc).rule;
      const first = Array.isArray(rule) && isObject(rule[0]) ? rule[0] : undefined;
      const entry = entryFor(rc);
      if (typeof first?.object_ownership === 'string') entry.ownership = first.object_ownership;
      else entry.notes.push(`${rc.address}: object_ownership is known only after apply`);
    } else if (rc.type === 'aws_s3_bucket_public_access_block') {
      const a = after(rc);
      const tf: Record<keyof PublicAccessBlock, string> = {
        BlockPublicAcls: 'block_public_acls',
        IgnorePublicAcls: 'ignore_public_acls',
        BlockPublicPolicy: 'block_public_policy',
        RestrictPublicBuckets: 'restrict_public_buckets',
      };
      const entry = entryFor(rc);
      const unknown = Object.values(tf).filter((k) => afterUnknown(rc)[k] === true);
      if (unknown.length > 0) {
        entry.notes.push(`${rc.address}: ${unknown.join(', ')} known only after apply`);
        continue;
      }
      entry.publicAccessBlock = Object.fromEntries(
        PAB_KEYS.map((k) => [k, a[tf[k]] === true]),
      ) as unknown as PublicAccessBlock;
    } else if (rc.type === 'aws_s3_bucket' && !rc.change.actions.includes('delete')) {
      entryFor(rc);
    }
  }
  return [...entries.values()];
}

// ---------------------------------------------------------------------------------------------------------
// Feeding the checks

/**
 * The BucketState the offline verify gives to `runChecks` for one entry. Of the results, only `name`,
 * `policy` and `least-privilege` — plus `ownership` / `public-access` when the entry sets them — say
 * something about the input; `bucket`, `region` and `freshness` describe a live bucket.
 */
export function entryBucketState(entry: PolicyInputEntry, bucket: string): BucketState {
  return {
    bucket,
    existence: 'yours',
    objectOwnership: entry.ownership,
    publicAccessBlock: entry.publicAccessBlock,
    policyText: entry.policy === undefined ? undefined : JSON.stringify(entry.policy),
    denied: [],
  };
}
