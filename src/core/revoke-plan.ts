import {
  bucketArn,
  OUR_SIDS,
  objectsArn,
  type PolicyStatement,
  type VendorPrincipals,
  vendorPrincipalArns,
  vendorStatements,
} from './policy.js';
import { describeStatement, type PolicyDiffEntry, sameMeaning, statementChanges } from './policy-diff.js';
import {
  accountOf,
  type EvalRequest,
  evaluate,
  PolicyParseError,
  policyStatements,
  type RawStatement,
  statementLabel,
} from './policy-eval.js';
import { PolicyTextError, removeStatementEntries } from './policy-text.js';
import { BUCKET_LEVEL_ACTIONS, DATASYNC_ACTIONS, KMS_SID, LOCATION_ACTIONS } from './vendor.js';

/**
 * What `revoke` will do, as plain data (the counterpart of setup-plan.ts). The rules:
 *  - in the bucket policy, every statement whose Sid this tool owns (OUR_SIDS) is removed, wherever it
 *    stands and however it was edited since; every other statement stays byte for byte as it was, in order
 *    (the new text is the stored text with those entries cut out, see policy-text.ts);
 *  - if that leaves no statement, the step deletes the policy (DeleteBucketPolicy): an empty Statement list
 *    is not a valid policy;
 *  - nothing to remove → "none";
 *  - statements that are not ours but still let Prophecy in are never touched, only reported (warnings and
 *    `remainingGrants`), found with the same evaluator `verify` uses;
 *  - the key policy (with --key-policy) follows the same rules for the one statement with KMS_SID, except
 *    that a key policy can be neither empty nor deleted, so a key policy holding only that statement is
 *    left alone with a warning;
 *  - nothing else is ever changed: bucket, objects, encryption, ownership, public-access settings.
 */

export type RevokeStepId = 'bucket-policy' | 'key-policy';
/** `update` writes the policy back without our statements; `delete` removes the bucket policy. */
export type RevokeChange = 'update' | 'delete' | 'none';
export type RevokeApi = 'PutBucketPolicy' | 'DeleteBucketPolicy' | 'PutKeyPolicy';

export interface RevokeStep {
  id: RevokeStepId;
  title: string;
  /** The bucket name, or the KMS key id/ARN. */
  target: string;
  change: RevokeChange;
  /** The call that applies the step; null when the step changes nothing. */
  api: RevokeApi | null;
  /** One line: what this step does, or why nothing is needed. */
  detail: string;
  /** Extra lines a person should read before confirming. */
  notes: string[];
  /** Sids of the statements before and after the step, in order (null for a statement without Sid). */
  before: (string | null)[];
  after: (string | null)[];
  /** Sids of the statements the step removes. */
  removed: string[];
  /** Statement by statement: `-` removed (Prophecy's), `=` kept. */
  diff: PolicyDiffEntry[];
  /**
   * The policy text after the step: for `update` the exact text to send (the stored text minus our
   * statements); for `none` the stored text; null when the policy is deleted or there is none.
   */
  text: string | null;
}

/** A statement that, after the revoke, still allows Prophecy's principals (or their account) something. */
export interface RemainingGrant {
  policy: 'bucket' | 'key';
  /** `"Sid"` or `#n` (1-based position in the policy as it will be after the step). */
  statement: string;
  sid: string | null;
  /** 0-based position in the policy after the step. */
  index: number;
  /** Which of the probed principals it allows: the DataSync role, the s3access user, their account root. */
  principals: string[];
  /** The required actions (or, for a key policy, the KMS actions) it allows them, in the vendor's order. */
  actions: string[];
  /** Through Principal "*" or an Allow with NotPrincipal: everyone, Prophecy included. */
  public: boolean;
  /** The statement has a Condition, so the access depends on it. */
  conditional: boolean;
}

export interface ObjectSummary {
  count: number;
  /** LastModified of the newest object. */
  newest?: Date | string | undefined;
  /** The count stopped early (the listing was cut short), so it is "at least". */
  lowerBound?: boolean | undefined;
}

export interface KeyPolicyInput {
  /** The key as the bucket's default encryption names it (id, alias or ARN); an ARN is used to evaluate. */
  keyId: string;
  /** GetKeyPolicy's text. */
  text: string;
  /** True with --key-policy: plan a step that removes our statement. False: only warn about it. */
  remove: boolean;
}

export interface RevokeInput {
  bucket: string;
  /** The stored bucket policy (GetBucketPolicy), or null when the bucket has none. */
  policyText: string | null;
  principals: VendorPrincipals;
  objectSummary?: ObjectSummary | undefined;
  keyPolicy?: KeyPolicyInput | undefined;
}

export interface RevokePlan {
  bucket: string;
  bucketArn: string;
  /** The bucket-policy step, then the key-policy step when --key-policy asked for it. */
  steps: RevokeStep[];
  remainingGrants: RemainingGrant[];
  /** Things to read before confirming: doors that stay open, statements revoke cannot remove. */
  warnings: string[];
  /** The one line that says what revoke never touches ("objects and the bucket are kept: …"). */
  kept: string;
  objects: { count: number; newest: string | null; lowerBound: boolean } | null;
  /** True when every step is "none": running revoke would change nothing. */
  satisfied: boolean;
}

/** A policy revoke will not rewrite because it cannot read it; the command turns this into exit 2. */
export class RevokeInputError extends Error {
  override name = 'RevokeInputError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** KMS actions probed in a key policy: what a DataSync role needs for an SSE-KMS bucket, and a bit more. */
export const KMS_PROBE_ACTIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:DescribeKey',
];

/** Every action the vendor page grants, once, in its order. */
export const REQUIRED_ACTIONS: readonly string[] = [
  ...new Set<string>([...DATASYNC_ACTIONS, ...LOCATION_ACTIONS]),
];

function sidOf(s: RawStatement): string | null {
  return typeof s.Sid === 'string' ? s.Sid : null;
}

function isOurs(s: RawStatement): boolean {
  const sid = sidOf(s);
  return sid !== null && OUR_SIDS.includes(sid);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function parse(text: string, what: string, hint: string): RawStatement[] {
  try {
    return policyStatements(text);
  } catch (err) {
    if (err instanceof PolicyParseError) {
      throw new RevokeInputError(
        `The ${what} cannot be read (${err.message}); revoke will not rewrite it.`,
        hint,
      );
    }
    throw err;
  }
}

// ---- who still gets in ---------------------------------------------------------------------------

/** The role, the user, and the root of each of their accounts. */
function probedPrincipals(principals: VendorPrincipals): string[] {
  const arns = vendorPrincipalArns(principals);
  const roots = arns.flatMap((a) => {
    const account = accountOf(a);
    return account ? [`arn:aws:iam::${account}:root`] : [];
  });
  return [...new Set([...arns, ...roots])];
}

function bucketRequests(bucket: string, principalArns: string[]): EvalRequest[] {
  return principalArns.flatMap((principal) =>
    REQUIRED_ACTIONS.map((action) => ({
      principal,
      action,
      resource: BUCKET_LEVEL_ACTIONS.has(action) ? bucketArn(bucket) : objectsArn(bucket),
    })),
  );
}

function keyResource(keyId: string): string {
  return keyId.startsWith('arn:') ? keyId : '*';
}

function keyRequests(keyId: string, principalArns: string[]): EvalRequest[] {
  return principalArns.flatMap((principal) =>
    KMS_PROBE_ACTIONS.map((action) => ({ principal, action, resource: keyResource(keyId) })),
  );
}

/** One hit: `request` is allowed (or conditionally allowed), and this Allow statement is why. */
interface AllowHit {
  request: EvalRequest;
  index: number;
  sid: string | null;
  public: boolean;
  conditional: boolean;
}

function allowHits(statements: RawStatement[], requests: EvalRequest[]): AllowHit[] {
  const hits: AllowHit[] = [];
  for (const request of requests) {
    const e = evaluate(statements, request);
    if (e.verdict === 'denied' || e.verdict === 'implicit-deny') continue;
    for (const m of e.matched) {
      if (m.effect !== 'Allow') continue;
      hits.push({
        request,
        index: m.index,
        sid: m.sid ?? null,
        public: m.principalMatch === 'public' || m.principalMatch === 'not-principal',
        conditional: m.condition !== undefined,
      });
    }
  }
  return hits;
}

function groupByStatement(hits: AllowHit[], policy: 'bucket' | 'key'): RemainingGrant[] {
  const byIndex = new Map<number, RemainingGrant>();
  for (const h of hits) {
    let g = byIndex.get(h.index);
    if (!g) {
      g = {
        policy,
        statement: statementLabel({ index: h.index, sid: h.sid ?? undefined }),
        sid: h.sid,
        index: h.index,
        principals: [],
        actions: [],
        public: false,
        conditional: false,
      };
      byIndex.set(h.index, g);
    }
    if (!g.principals.includes(h.request.principal)) g.principals.push(h.request.principal);
    if (!g.actions.includes(h.request.action)) g.actions.push(h.request.action);
    g.public ||= h.public;
    g.conditional ||= h.conditional;
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function whoText(g: RemainingGrant, principals: VendorPrincipals): string {
  if (g.public) return 'everyone, Prophecy included';
  return g.principals
    .map((p) => {
      if (p === principals.datasyncRoleArn) return "Prophecy's DataSync role";
      if (p === principals.locationUserArn) return "Prophecy's s3access user";
      const root = /^arn:aws:iam::(\d{12}):root$/.exec(p);
      return root ? `every principal of account ${root[1]} (root)` : p;
    })
    .join(', ');
}

function actionsText(actions: string[], max = 4): string {
  if (actions.length <= max) return actions.join(', ');
  return `${actions.slice(0, max).join(', ')} and ${actions.length - max} more`;
}

function grantWarning(g: RemainingGrant, principals: VendorPrincipals, where: string): string {
  const when = g.conditional ? ' (when its Condition holds)' : '';
  return `${where} statement ${g.statement} is not Prophecy's and stays, but it still allows ${whoText(g, principals)}: ${actionsText(g.actions)}${when}. Remove or narrow it yourself if Prophecy should lose that access.`;
}

// ---- the policy edit, shared by the bucket and the key policy -------------------------------------

interface Removal {
  statements: RawStatement[];
  removeAt: Set<number>;
  kept: RawStatement[];
  diff: PolicyDiffEntry[];
  before: (string | null)[];
  after: (string | null)[];
  removed: string[];
}

function removal(statements: RawStatement[], owned: (s: RawStatement) => boolean): Removal {
  const removeAt = new Set<number>();
  const diff: PolicyDiffEntry[] = [];
  statements.forEach((s, i) => {
    const ours = owned(s);
    if (ours) removeAt.add(i);
    diff.push({
      op: ours ? '-' : '=',
      sid: sidOf(s) ?? undefined,
      owner: ours ? 'prophecy' : 'customer',
      summary: describeStatement(s as PolicyStatement),
      changes: [],
    });
  });
  const kept = statements.filter((_, i) => !removeAt.has(i));
  return {
    statements,
    removeAt,
    kept,
    diff,
    before: statements.map(sidOf),
    after: kept.map(sidOf),
    removed: [...removeAt].map((i) => sidOf(statements[i] as RawStatement) as string),
  };
}

function cut(text: string, removeAt: Set<number>): string {
  try {
    return removeStatementEntries(text, removeAt);
  } catch (err) {
    // policyStatements accepted the text, so the scanner should too; refuse rather than guess.
    if (err instanceof PolicyTextError) {
      throw new RevokeInputError(
        `The policy text could not be edited in place (${err.message}); revoke will not rewrite it.`,
        'Remove the statements by hand (their Sids are listed in the plan).',
      );
    }
    throw err;
  }
}

// ---- the bucket-policy step -----------------------------------------------------------------------

const BUCKET_TITLE = "Bucket policy: remove Prophecy's statements";

function bucketPolicyStep(input: RevokeInput): { step: RevokeStep; remaining: RawStatement[] } {
  const { bucket, principals } = input;
  const base = { id: 'bucket-policy' as const, title: BUCKET_TITLE, target: bucket };
  const text = input.policyText;
  if (text === null || text.trim() === '') {
    return {
      step: {
        ...base,
        change: 'none',
        api: null,
        detail: 'the bucket has no policy; nothing to remove',
        notes: [],
        before: [],
        after: [],
        removed: [],
        diff: [],
        text: null,
      },
      remaining: [],
    };
  }
  const statements = parse(
    text,
    `bucket policy of ${bucket}`,
    "Fix the policy (S3 console → Permissions → Bucket policy) or remove Prophecy's statements by hand.",
  );
  const r = removal(statements, isOurs);
  const common = { before: r.before, after: r.after, removed: r.removed, diff: r.diff };
  const others = r.kept.length;
  if (r.removeAt.size === 0) {
    return {
      step: {
        ...base,
        ...common,
        change: 'none',
        api: null,
        detail: `the policy has none of Prophecy's statements${others ? ` (your ${plural(others, 'statement')} stay${others === 1 ? 's' : ''} as ${others === 1 ? 'it is' : 'they are'})` : ''}`,
        notes: [],
        text,
      },
      remaining: statements,
    };
  }

  const notes = changedSinceSetup(r, bucket, principals);
  if (others === 0) {
    return {
      step: {
        ...base,
        ...common,
        change: 'delete',
        api: 'DeleteBucketPolicy',
        detail: `delete the bucket policy: it holds only Prophecy's ${plural(r.removeAt.size, 'statement')} (an empty policy is not valid)`,
        notes,
        text: null,
      },
      remaining: [],
    };
  }
  return {
    step: {
      ...base,
      ...common,
      change: 'update',
      api: 'PutBucketPolicy',
      detail: `remove Prophecy's ${plural(r.removeAt.size, 'statement')}, keeping your ${plural(others, 'other statement')} as ${others === 1 ? 'it is' : 'they are'}, in order`,
      notes,
      text: cut(text, r.removeAt),
    },
    remaining: r.kept,
  };
}

/** A statement with our Sid that is not what setup writes is removed all the same; say so. */
function changedSinceSetup(r: Removal, bucket: string, principals: VendorPrincipals): string[] {
  const wanted = new Map(vendorStatements(bucket, principals).map((s) => [s.Sid as string, s]));
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const i of r.removeAt) {
    const s = r.statements[i] as PolicyStatement;
    const sid = s.Sid as string;
    if (seen.has(sid)) {
      notes.push(`The policy has statement "${sid}" more than once; every copy is removed.`);
      continue;
    }
    seen.add(sid);
    const want = wanted.get(sid);
    if (!want || sameMeaning(s, want)) continue;
    const changes = statementChanges(want, s);
    notes.push(
      `Statement "${sid}" differs from what setup writes (${changes.join('; ')}); it is removed all the same, as its Sid is this tool's.`,
    );
  }
  return notes;
}

// ---- the key-policy step --------------------------------------------------------------------------

function keyPolicyStep(key: KeyPolicyInput): {
  step: RevokeStep;
  remaining: RawStatement[];
  warnings: string[];
} {
  const base = {
    id: 'key-policy' as const,
    title: `KMS key policy: remove Prophecy's statement "${KMS_SID}"`,
    target: key.keyId,
  };
  const statements = parse(
    key.text,
    `key policy of ${key.keyId}`,
    `Fix the key policy (KMS console → the key → Key policy) or remove statement "${KMS_SID}" by hand.`,
  );
  const r = removal(statements, (s) => sidOf(s) === KMS_SID);
  const common = { before: r.before, after: r.after, removed: r.removed, diff: r.diff };
  if (r.removeAt.size === 0) {
    return {
      step: {
        ...base,
        ...common,
        change: 'none',
        api: null,
        detail: `the key policy has no statement "${KMS_SID}"; nothing to remove`,
        notes: [],
        text: key.text,
      },
      remaining: statements,
      warnings: [],
    };
  }
  if (r.kept.length === 0) {
    // A key policy cannot be empty or deleted, and a key nobody administers cannot be recovered.
    return {
      step: {
        ...base,
        ...common,
        after: common.before,
        removed: [],
        diff: r.diff.map((d) => ({ ...d, op: '=' as const })),
        change: 'none',
        api: null,
        detail: `the key policy holds only statement "${KMS_SID}"; revoke will not leave the key without a policy`,
        notes: [],
        text: key.text,
      },
      remaining: statements,
      warnings: [
        `The key policy of ${key.keyId} consists only of Prophecy's statement "${KMS_SID}"; a key policy cannot be empty, so revoke leaves it. Replace it by hand with your own administration statement.`,
      ],
    };
  }
  return {
    step: {
      ...base,
      ...common,
      change: 'update',
      api: 'PutKeyPolicy',
      detail: `remove statement "${KMS_SID}", keeping the key's ${plural(r.kept.length, 'other statement')} as ${r.kept.length === 1 ? 'it is' : 'they are'}, in order`,
      notes:
        r.removeAt.size > 1
          ? [`The key policy has statement "${KMS_SID}" more than once; every copy is removed.`]
          : [],
      text: cut(key.text, r.removeAt),
    },
    remaining: r.kept,
    warnings: [],
  };
}

/** Warnings about a key policy revoke was not asked to change (no --key-policy). */
function keyPolicyWarnings(
  key: KeyPolicyInput,
  principals: VendorPrincipals,
): { grants: RemainingGrant[]; warnings: string[] } {
  let statements: RawStatement[];
  try {
    statements = policyStatements(key.text);
  } catch (err) {
    if (!(err instanceof PolicyParseError)) throw err;
    return {
      grants: [],
      warnings: [
        `The key policy of ${key.keyId} could not be read (${err.message}), so it was not checked for grants to Prophecy.`,
      ],
    };
  }
  const grants = groupByStatement(
    allowHits(statements, keyRequests(key.keyId, probedPrincipals(principals))),
    'key',
  );
  const warnings: string[] = [];
  const ours = statements.filter((s) => sidOf(s) === KMS_SID).length;
  if (ours > 0) {
    warnings.push(
      `The key policy of ${key.keyId} still has Prophecy's statement "${KMS_SID}" (added by setup --update-key-policy); run revoke with --key-policy to remove it too.`,
    );
  }
  for (const g of grants) {
    if (g.sid === KMS_SID) continue;
    warnings.push(grantWarning(g, principals, `Key policy of ${key.keyId}:`));
  }
  return { grants, warnings };
}

// ---- the plan -------------------------------------------------------------------------------------

function keptLine(summary: ObjectSummary | undefined): string {
  const tail = '; its encryption, Object Ownership and Block Public Access settings are not changed';
  if (!summary) return `objects and the bucket are kept (objects not counted)${tail}`;
  if (summary.count === 0 && !summary.lowerBound)
    return `objects and the bucket are kept: the bucket is empty${tail}`;
  const n = `${summary.count.toLocaleString('en-US')}${summary.lowerBound ? '+' : ''}`;
  const newest = newestText(summary.newest);
  return `objects and the bucket are kept: ${n} object${summary.count === 1 && !summary.lowerBound ? '' : 's'}${newest ? `, newest ${newest}` : ''}${tail}`;
}

function newestText(newest: Date | string | undefined): string | null {
  if (newest === undefined) return null;
  return newest instanceof Date ? newest.toISOString() : newest;
}

export function planRevoke(input: RevokeInput): RevokePlan {
  const { bucket, principals } = input;
  const probed = probedPrincipals(principals);
  const bucketPart = bucketPolicyStep(input);
  const steps: RevokeStep[] = [bucketPart.step];
  const warnings: string[] = [];

  const remainingGrants = groupByStatement(
    allowHits(bucketPart.remaining, bucketRequests(bucket, probed)),
    'bucket',
  );
  for (const g of remainingGrants) warnings.push(grantWarning(g, principals, 'Bucket policy:'));

  const key = input.keyPolicy;
  if (key?.remove) {
    const keyPart = keyPolicyStep(key);
    steps.push(keyPart.step);
    warnings.push(...keyPart.warnings);
    const grants = groupByStatement(allowHits(keyPart.remaining, keyRequests(key.keyId, probed)), 'key');
    remainingGrants.push(...grants);
    for (const g of grants) {
      if (g.sid === KMS_SID) continue; // only when the key policy was ours alone; warned above
      warnings.push(grantWarning(g, principals, `Key policy of ${key.keyId}:`));
    }
  } else if (key) {
    const k = keyPolicyWarnings(key, principals);
    remainingGrants.push(...k.grants);
    warnings.push(...k.warnings);
  }

  const summary = input.objectSummary;
  return {
    bucket,
    bucketArn: bucketArn(bucket),
    steps,
    remainingGrants,
    warnings,
    kept: keptLine(summary),
    objects: summary
      ? { count: summary.count, newest: newestText(summary.newest), lowerBound: summary.lowerBound ?? false }
      : null,
    satisfied: steps.every((s) => s.change === 'none'),
  };
}

// ---- after applying -------------------------------------------------------------------------------

export interface RemainingAccess {
  principal: string;
  action: string;
  resource: string;
  /** `"Sid"` or `#n`: the Allow statement that grants it. */
  statement: string;
  sid: string | null;
  /** The statement has a Condition: the access depends on it. */
  conditional: boolean;
}

export interface RevokeCheck {
  /** True when neither Prophecy principal can perform any required action under the bucket policy. */
  ok: boolean;
  remaining: RemainingAccess[];
}

/**
 * After applying: can Prophecy's DataSync role or s3access user still perform any of the required
 * actions, according to the bucket policy alone? Same evaluator as verify; a grant through the account
 * root, through Principal "*" or with a Condition counts as remaining. `policy` is the text (or parsed
 * document) GetBucketPolicy returns now, or null when the bucket has no policy.
 */
export function checkRevoked(policy: unknown, principals: VendorPrincipals, bucket: string): RevokeCheck {
  if (policy === null || policy === undefined || (typeof policy === 'string' && policy.trim() === '')) {
    return { ok: true, remaining: [] };
  }
  const statements = Array.isArray(policy) ? (policy as RawStatement[]) : policyStatements(policy);
  const hits = allowHits(statements, bucketRequests(bucket, [...new Set(vendorPrincipalArns(principals))]));
  const remaining = hits.map((h) => ({
    principal: h.request.principal,
    action: h.request.action,
    resource: h.request.resource,
    statement: statementLabel({ index: h.index, sid: h.sid ?? undefined }),
    sid: h.sid,
    conditional: h.conditional,
  }));
  return { ok: remaining.length === 0, remaining };
}

/**
 * Whether the bucket policy looks revoked: none of this tool's statements and no other grant to Prophecy
 * (no policy at all counts). verify uses it to say "Prophecy's access was removed" instead of listing
 * missing grants. Unreadable policy text is not "revoked".
 */
export function isRevoked(policy: unknown, principals: VendorPrincipals, bucket: string): boolean {
  if (policy === null || policy === undefined || (typeof policy === 'string' && policy.trim() === ''))
    return true;
  let statements: RawStatement[];
  try {
    statements = policyStatements(policy);
  } catch (err) {
    if (err instanceof PolicyParseError) return false;
    throw err;
  }
  if (statements.some(isOurs)) return false;
  return checkRevoked(statements, principals, bucket).ok;
}

// ---- the JSON document (`revoke --dry-run --json`) -------------------------------------------------

/** A step as the JSON document carries it: everything but the policy text, with the diff's fields narrowed. */
export type RevokeStepJson = Omit<RevokeStep, 'text' | 'diff'> & {
  diff: { op: '-' | '='; sid: string | null; owner: 'prophecy' | 'customer'; summary: string }[];
};

export interface RevokePlanJson {
  bucket: string;
  bucketArn: string;
  satisfied: boolean;
  kept: string;
  objects: { count: number; newest: string | null; lowerBound: boolean } | null;
  warnings: string[];
  remainingGrants: RemainingGrant[];
  steps: RevokeStepJson[];
}

/** The plan without the policy texts, as `revoke --dry-run --json` prints it (see schemas/revoke.ts). */
export function revokePlanJson(plan: RevokePlan): RevokePlanJson {
  return {
    bucket: plan.bucket,
    bucketArn: plan.bucketArn,
    satisfied: plan.satisfied,
    kept: plan.kept,
    objects: plan.objects,
    warnings: plan.warnings,
    remainingGrants: plan.remainingGrants,
    steps: plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      target: s.target,
      change: s.change,
      api: s.api,
      detail: s.detail,
      notes: s.notes,
      before: s.before,
      after: s.after,
      removed: s.removed,
      diff: s.diff.map((d) => ({
        op: d.op === '-' ? '-' : '=',
        sid: d.sid ?? null,
        owner: d.owner,
        summary: d.summary,
      })),
    })),
  };
}
