import { CliError } from './errors.js';
import {
  OUR_SIDS,
  type PolicyDocument,
  type PolicyStatement,
  type VendorPrincipals,
  vendorStatements,
} from './policy.js';
import {
  describeStatement,
  type PolicyDiffEntry,
  sameMeaning,
  statementChanges,
  uniqueIdPrincipals,
} from './policy-diff.js';
import { PolicyParseError, policyStatements, type RawStatement } from './policy-eval.js';
import { parsePolicyJson, policyJson } from './policy-json.js';
import { POLICY_VERSION } from './vendor.js';

/**
 * Merging Prophecy's statements into whatever policy the bucket already has. The rules:
 *  - no policy → the generated one;
 *  - a policy → every statement that is not ours (by Sid, see OUR_SIDS) stays untouched and in
 *    place; ours are replaced where they stand; missing ones are appended;
 *  - Version "2012-10-17" is kept (it is a superset of the vendor's "2008-10-17");
 *  - a policy we cannot parse is never overwritten: parsePolicy throws;
 *  - statements are compared by meaning (see policy-diff.ts), so the forms S3 rewrites a stored
 *    policy into still count as "no change" — except a principal S3 rewrote into an AROA…/AIDA…
 *    unique id: its role was deleted, the grant matches nobody, so that statement is updated.
 */

export type PolicyChange = 'create' | 'update' | 'none';

export interface PolicyMerge {
  change: PolicyChange;
  /** The policy on the bucket, parsed (undefined when there is none). */
  current: PolicyDocument | undefined;
  /** The policy setup will write; identical to `current` when `change` is "none". */
  merged: PolicyDocument;
  /** The text to send to PutBucketPolicy (the stored text, unchanged, when `change` is "none"). */
  text: string;
  diff: PolicyDiffEntry[];
  /** Things a person should know about this merge (deleted principals, duplicate Sids). */
  notes: string[];
}

const VERSION_2012 = '2012-10-17';

/** What a merge works on, for its messages: the bucket policy, or a KMS key policy. */
export interface PolicyKind {
  /** How errors name the stored document, completing "… that setup cannot read". */
  stored: string;
  hint: string;
}

const BUCKET_POLICY: PolicyKind = {
  stored: 'The bucket already has a policy',
  hint: 'Fix or remove that policy (S3 console → Permissions → Bucket policy) and run setup again, or add the statements from `prophecy-audit policy print` by hand.',
};

function unparseable(reason: string, kind: PolicyKind = BUCKET_POLICY): CliError {
  return new CliError(`${kind.stored} that setup cannot read (${reason}); setup will not overwrite it.`, {
    hint: kind.hint,
  });
}

/**
 * Parses a stored bucket policy; throws a CliError (exit 2) rather than guess at something odd. The shape
 * rules are verify's (policyStatements); setup is stricter on Effect because it writes the policy back.
 */
export function parsePolicy(text: string, kind: PolicyKind = BUCKET_POLICY): PolicyDocument {
  let raw: unknown;
  try {
    raw = parsePolicyJson(text);
  } catch (err) {
    throw unparseable(`not valid JSON: ${(err as Error).message}`, kind);
  }
  let list: RawStatement[];
  try {
    list = policyStatements(raw);
  } catch (err) {
    if (err instanceof PolicyParseError) throw unparseable(err.message, kind);
    throw err;
  }
  list.forEach((s, i) => {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
      throw unparseable(
        `statement ${i + 1} has Effect ${JSON.stringify(s.Effect)}, not "Allow" or "Deny"`,
        kind,
      );
    }
  });
  const doc = raw as Record<string, unknown>;
  if (doc.Version !== undefined && typeof doc.Version !== 'string')
    throw unparseable('its "Version" is not a string', kind);
  return { ...(doc as unknown as PolicyDocument), Statement: list as PolicyStatement[] };
}

/** A policy without Version is read by IAM as the old 2008-10-17 language. */
function effectiveVersion(doc: PolicyDocument): string {
  return doc.Version ?? POLICY_VERSION;
}

export function policyText(doc: PolicyDocument): string {
  return policyJson(doc);
}

function added(statement: PolicyStatement): PolicyDiffEntry {
  return {
    op: '+',
    sid: statement.Sid,
    owner: 'prophecy',
    summary: describeStatement(statement),
    changes: [],
  };
}

export function mergePolicy(
  currentText: string | undefined,
  bucket: string,
  principals: VendorPrincipals,
): PolicyMerge {
  const wanted = vendorStatements(bucket, principals);
  if (currentText === undefined || currentText.trim() === '') {
    const merged: PolicyDocument = { Version: POLICY_VERSION, Statement: wanted };
    return {
      change: 'create',
      current: undefined,
      merged,
      text: policyText(merged),
      diff: wanted.map(added),
      notes: [],
    };
  }
  return mergeOwnedStatements(parsePolicy(currentText), currentText, wanted, {
    owned: OUR_SIDS,
    // "2012-10-17" is kept (a superset of the vendor's "2008-10-17"); anything else becomes the vendor's.
    version: (current) => (current === VERSION_2012 ? VERSION_2012 : POLICY_VERSION),
  });
}

export interface OwnedMergeRules {
  /** The Sids this tool owns in the document; every other statement belongs to the customer. */
  owned: readonly string[];
  /** The Version to write, given the stored one. */
  version: (current: string | undefined) => string;
}

/**
 * The merge rules of the module comment for any policy document with statements we own by Sid: the bucket
 * policy, and a KMS key policy with its one owned statement. Others stay untouched and in place; ours are
 * replaced where they stand unless they mean the same; missing ones are appended.
 */
export function mergeOwnedStatements(
  current: PolicyDocument,
  currentText: string,
  wanted: PolicyStatement[],
  rules: OwnedMergeRules,
): PolicyMerge {
  const isOurs = (st: PolicyStatement) => st.Sid !== undefined && rules.owned.includes(st.Sid);
  const bySid = new Map(wanted.map((s) => [s.Sid as string, s]));
  const placed = new Set<string>();
  const statements: PolicyStatement[] = [];
  const diff: PolicyDiffEntry[] = [];
  const notes: string[] = [];

  for (const st of current.Statement) {
    const want = st.Sid === undefined ? undefined : bySid.get(st.Sid);
    if (!isOurs(st) || !want) {
      statements.push(st);
      diff.push({
        op: '=',
        sid: st.Sid,
        owner: isOurs(st) ? 'prophecy' : 'customer',
        summary: describeStatement(st),
        changes: [],
      });
      continue;
    }
    const sid = st.Sid as string;
    if (placed.has(sid)) {
      // S3 and KMS refuse duplicate Sids, so this only happens with a hand-edited text; the first one wins.
      diff.push({ op: '-', sid, owner: 'prophecy', summary: describeStatement(st), changes: [] });
      notes.push(
        `The policy had statement "${sid}" twice; the duplicate is replaced by the one setup writes.`,
      );
      continue;
    }
    placed.add(sid);
    if (sameMeaning(st, want)) {
      statements.push(st);
      diff.push({ op: '=', sid, owner: 'prophecy', summary: describeStatement(st), changes: [] });
      continue;
    }
    for (const id of uniqueIdPrincipals(st)) {
      notes.push(
        `Statement "${sid}" names ${id}, an IAM unique id: the role or user it granted was deleted (perhaps recreated), which no longer matches. Setup writes the ARN again.`,
      );
    }
    statements.push(want);
    diff.push({
      op: '~',
      sid,
      owner: 'prophecy',
      summary: describeStatement(want),
      changes: statementChanges(st, want),
    });
  }
  for (const want of wanted) {
    if (!placed.has(want.Sid as string)) {
      statements.push(want);
      diff.push(added(want));
    }
  }
  return finish(current, currentText, statements, diff, notes, rules.version(current.Version));
}

function finish(
  current: PolicyDocument,
  currentText: string,
  statements: PolicyStatement[],
  diff: PolicyDiffEntry[],
  notes: string[],
  version: string,
): PolicyMerge {
  const versionChanged = version !== effectiveVersion(current);
  const changed = versionChanged || diff.some((d) => d.op !== '=');
  if (!changed) return { change: 'none', current, merged: current, text: currentText, diff, notes };

  const { Statement: _old, Version: _v, ...rest } = current;
  const merged: PolicyDocument = { Version: version, ...rest, Statement: statements };
  if (versionChanged) notes.push(`Version ${JSON.stringify(current.Version)} becomes "${version}".`);
  return { change: 'update', current, merged, text: policyText(merged), diff, notes };
}
