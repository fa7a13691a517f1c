/**
 * `export cloudformation`: a YAML template with the bucket (BucketOwnerEnforced, all four public access
 * blocks) and its policy, from the same model as `policy print`. Written so that cfn-lint reports nothing.
 */

import { bucketArn, DEFAULT_PRINCIPALS, objectsArn, type PolicyStatement } from '../policy.js';
import { BUCKET_PREFIX, NON_DEFAULT_REGION_NOTE } from '../vendor.js';
import { IAC_VERSION_NOTE, type IacOptions, iacPolicy, iacTarget, kmsStatementFor } from './model.js';

/** Logical ids of the generated resources. */
export const CFN_BUCKET_ID = 'Bucket';
export const CFN_POLICY_ID = 'BucketPolicy';

/** A short-form intrinsic function such as `!Sub 'arn:...'`. */
class Tagged {
  constructor(
    readonly tag: '!Sub' | '!Ref' | '!GetAtt',
    readonly value: string,
  ) {}
}
/** A comment line placed above a mapping key. */
class Commented {
  constructor(
    readonly comment: string,
    readonly value: YamlValue,
  ) {}
}
type YamlValue = string | boolean | Tagged | Commented | YamlValue[] | { [key: string]: YamlValue };

const sub = (text: string) => new Tagged('!Sub', text);
const ref = (name: string) => new Tagged('!Ref', name);
const getAtt = (path: string) => new Tagged('!GetAtt', path);
/** A `${Name}` variable inside a `!Sub` string. */
const subVar = (name: string): string => `$\{${name}}`;

const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_:/.*<>@+=,${}()-]*(?: [A-Za-z0-9_:/.*<>@+=,${}()-]+)*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML scalar: plain when that cannot be misread (as a number, boolean, date or indicator), else single-quoted. */
export function yamlScalar(s: string): string {
  if (PLAIN.test(s) && !RESERVED.test(s) && !/^[-+.]?\d/.test(s) && !/: |:$| #/.test(s)) return s;
  return `'${s.replace(/'/g, "''")}'`;
}

function inline(v: string | boolean | Tagged): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return yamlScalar(v);
  return `${v.tag} ${yamlScalar(v.value)}`;
}

function isInline(v: YamlValue): v is string | boolean | Tagged {
  return typeof v === 'string' || typeof v === 'boolean' || v instanceof Tagged;
}

/** Block-style YAML lines for a mapping, two-space indent, lists indented under their key. */
function mappingLines(map: { [key: string]: YamlValue }, indent: string): string[] {
  const out: string[] = [];
  for (const [key, entry] of Object.entries(map)) {
    let value = entry;
    while (value instanceof Commented) {
      out.push(...commentBlock(value.comment, `${indent}# `));
      value = value.value;
    }
    if (isInline(value)) out.push(`${indent}${key}: ${inline(value)}`);
    else if (Array.isArray(value)) out.push(`${indent}${key}:`, ...listLines(value, `${indent}  `));
    else out.push(`${indent}${key}:`, ...mappingLines(value, `${indent}  `));
  }
  return out;
}

function listLines(list: YamlValue[], indent: string): string[] {
  const out: string[] = [];
  for (const item of list) {
    if (isInline(item)) out.push(`${indent}- ${inline(item)}`);
    else if (Array.isArray(item) || item instanceof Commented)
      throw new Error('nested lists are not emitted');
    else {
      const [first, ...rest] = mappingLines(item, `${indent}  `);
      out.push(`${indent}- ${(first ?? '').trimStart()}`, ...rest);
    }
  }
  return out;
}

function commentBlock(text: string, prefix = '# '): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && prefix.length + line.length + 1 + word.length > 100) {
      out.push(`${prefix}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(`${prefix}${line}`);
  return out;
}

/** A policy statement as YAML data; `resource` may turn an ARN into an intrinsic. */
function statementYaml(s: PolicyStatement, resource: (arn: string) => string | Tagged = (a) => a): YamlValue {
  const out: { [key: string]: YamlValue } = {};
  if (s.Sid !== undefined) out.Sid = s.Sid;
  out.Effect = s.Effect;
  for (const key of ['Principal', 'NotPrincipal'] as const) {
    const p = s[key];
    if (p === undefined) continue;
    out[key] = p === '*' ? '*' : Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v]));
  }
  for (const key of ['Action', 'NotAction'] as const) {
    const a = s[key];
    if (a !== undefined) out[key] = a;
  }
  for (const key of ['Resource', 'NotResource'] as const) {
    const r = s[key];
    if (r !== undefined) out[key] = Array.isArray(r) ? r.map(resource) : resource(r);
  }
  if (s.Condition !== undefined) {
    out.Condition = Object.fromEntries(
      Object.entries(s.Condition).map(([op, byKey]) => [
        op,
        Object.fromEntries(
          Object.entries(byKey).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
        ),
      ]),
    );
  }
  return out;
}

/**
 * The YAML text of `export cloudformation`. Full mode: a Suffix (or BucketName) parameter, a rule that
 * the stack is deployed in the chosen region, the bucket (retained on stack deletion), its policy, and
 * the ARN and region as outputs. Policy-only mode: the parameter and the AWS::S3::BucketPolicy.
 */
export function renderCloudFormation(options: IacOptions): string {
  const target = iacTarget(options);
  const principals = options.principals ?? DEFAULT_PRINCIPALS;
  const policy = iacPolicy(target.bucket, principals);
  const full = !options.policyOnly;

  const parameter: { [key: string]: YamlValue } =
    target.kind === 'suffix'
      ? {
          Suffix: {
            Type: 'String',
            Description: `The bucket is ${BUCKET_PREFIX}<suffix>.`,
            Default: target.suffix,
          },
        }
      : {
          BucketName: {
            Type: 'String',
            Description: "The bucket that receives Prophecy's audit logs.",
            Default: target.bucket,
          },
        };
  const nameTemplate =
    target.kind === 'suffix' ? `${BUCKET_PREFIX}${subVar('Suffix')}` : subVar('BucketName');
  // Full mode names the template's own bucket; policy-only names the existing bucket through the parameter.
  const arnOf = full ? subVar(CFN_BUCKET_ID) : nameTemplate;
  const resource = (arn: string): string | Tagged => {
    if (arn === bucketArn(target.bucket)) return sub(`arn:\${AWS::Partition}:s3:::${arnOf}`);
    if (arn === objectsArn(target.bucket)) return sub(`arn:\${AWS::Partition}:s3:::${arnOf}/*`);
    return arn;
  };

  const policyResource: YamlValue = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: full ? ref(CFN_BUCKET_ID) : sub(nameTemplate),
      PolicyDocument: {
        Version: new Commented(IAC_VERSION_NOTE.replace(/\.$/, ''), policy.Version ?? ''),
        Statement: policy.Statement.map((s) => statementYaml(s, resource)),
      },
    },
  };

  const template: { [key: string]: YamlValue } = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: full
      ? `S3 bucket for Prophecy audit logs copied by AWS DataSync, in ${options.region} (generated by prophecy-audit)`
      : 'Bucket policy that lets Prophecy copy audit logs with AWS DataSync (generated by prophecy-audit)',
    Parameters: parameter,
  };
  if (full) {
    template.Rules = {
      Region: {
        Assertions: [
          {
            Assert: { 'Fn::Equals': [ref('AWS::Region'), options.region] },
            AssertDescription: `Deploy this stack in ${options.region}, the region Prophecy is told about (or regenerate it with --region).`,
          },
        ],
      },
    };
    template.Resources = {
      [CFN_BUCKET_ID]: {
        Type: 'AWS::S3::Bucket',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketName: sub(nameTemplate),
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        },
      },
      [CFN_POLICY_ID]: policyResource,
    };
    template.Outputs = {
      BucketArn: { Description: 'Send this to Prophecy.', Value: getAtt(`${CFN_BUCKET_ID}.Arn`) },
      Region: { Description: 'Send this to Prophecy with the bucket ARN.', Value: ref('AWS::Region') },
    };
  } else {
    template.Resources = { [CFN_POLICY_ID]: policyResource };
  }

  const lines = [
    ...commentBlock(
      full
        ? 'Generated by prophecy-audit from the same policy model as `prophecy-audit policy print`. After the stack is created, send Prophecy the BucketArn and Region outputs.'
        : `Generated by prophecy-audit from the same policy model as \`prophecy-audit policy print\`. The bucket itself is yours: keep Object Ownership BucketOwnerEnforced and all four public access blocks on.`,
    ),
  ];
  if (options.region !== 'us-east-1') lines.push(...commentBlock(NON_DEFAULT_REGION_NOTE));
  lines.push(...mappingLines(template, ''));

  if (options.kmsKeyArn !== undefined) {
    const kms = statementYaml(kmsStatementFor(principals, options.region));
    lines.push(
      '',
      ...commentBlock(
        `Customer-managed key ${options.kmsKeyArn}: its key policy must let DataSync's role use the key through S3. CloudFormation cannot add a statement to a key policy it does not own, so merge this statement into the KeyPolicy of that AWS::KMS::Key yourself:`,
      ),
      '#',
      ...listLines([kms], '').map((l) => `#   ${l}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
