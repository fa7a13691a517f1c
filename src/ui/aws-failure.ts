import { AwsFailure, type AwsFailureKind, isTlsMismatch } from '../aws/errors.js';
import { BucketTakenError, CliError } from '../errors.js';

/**
 * The one table that turns an AWS failure into what a person reads: a message saying what is wrong and a
 * hint saying how to fix it, by the failure's kind. The AWS layer classifies; only this file words.
 */

interface Words {
  message: string;
  hint: string;
}

function loginHint(profile: string | undefined): string {
  return profile ? `run \`aws sso login --profile ${profile}\`` : 'run `aws sso login --profile <name>`';
}

/** Kinds without advice of their own (a 404 or a conflict that reaches a person is reported as it came). */
function asReported(f: AwsFailure): Words {
  const label = f.code ? `${f.code}: ` : '';
  return {
    message: `${f.operation} failed: ${label}${f.detail || `HTTP ${f.status ?? '?'}`}`,
    hint: 'Run again with --debug for details.',
  };
}

/** The SDK's timeout messages start with the package name and a log level; the rest is the useful part. */
function timeoutDetail(detail: string): string {
  return detail.replace(/^@smithy\/[\w-]+ - (\[\w+\] )?/, '').replace(/\.$/, '') || 'no answer';
}

const WORDS: Record<AwsFailureKind, (f: AwsFailure) => Words> = {
  'sso-login': (f) => ({
    message: `Your AWS SSO login is missing or expired (${f.detail}).`,
    hint: `To fix: ${loginHint(f.profile)}, then run this command again.`,
  }),
  credentials: (f) =>
    f.profile
      ? {
          message: `No AWS credentials could be loaded for profile "${f.profile}".`,
          hint: `To fix: check the name (\`aws configure list-profiles\`), run \`aws configure --profile ${f.profile}\`, or ${loginHint(f.profile)}.`,
        }
      : {
          message: 'No AWS credentials were found.',
          hint: 'To fix: pass --profile <name> (or set AWS_PROFILE), run `aws configure`, or `aws sso login --profile <name>`.',
        },
  'sso-expired': (f) => ({
    message: 'Your AWS SSO session has expired.',
    hint: `To fix: ${loginHint(f.profile)}.`,
  }),
  'expired-credentials': (f) => ({
    message: 'Your AWS credentials have expired.',
    hint: `To fix: refresh them (${loginHint(f.profile)}, or new temporary credentials) and run again.`,
  }),
  'rejected-credentials': (f) => ({
    message: `AWS rejected the credentials (${f.code}).`,
    hint: 'Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile you selected with --profile.',
  }),
  'access-denied': (f) => {
    const where = f.resource ? ` on ${f.resource}` : '';
    const action = f.action ? ` is missing ${f.action}${where}` : ' lacks permission';
    return {
      message: `Access denied calling ${f.operation}: your identity${action}.`,
      hint: 'Grant that permission to your user/role, or use a profile that has it (--profile).',
    };
  },
  'public-policy-blocked': (f) => ({
    message: `S3 refused the policy for ${f.resource} because Block Public Access treats it as public.`,
    hint: 'A statement in the current policy grants public access; remove it and run setup again.',
  }),
  'wrong-region': (f) => ({
    message: `${f.operation} was sent to the wrong region${f.region ? ` (${f.region})` : ''}.`,
    hint: 'Pass --region with the region the bucket lives in.',
  }),
  throttled: (f) => ({
    message: `AWS kept throttling ${f.operation}${f.attempts ? ` after ${f.attempts} attempts` : ''} (${f.code || f.status}).`,
    hint: 'Wait a minute and run again.',
  }),
  network: (f) =>
    isTlsMismatch(f.errno, f.detail)
      ? {
          // OpenSSL's own text ("…:SSL routines:ssl3_get_record:wrong version number:…") helps nobody.
          message: `Could not reach AWS for ${f.operation}${f.endpoint ? ` at ${f.endpoint}` : ''}: the endpoint does not speak TLS (an https:// URL pointed at a plain-HTTP port?).`,
          hint: 'Check --endpoint-url (or AWS_ENDPOINT_URL): a plain-HTTP endpoint such as moto, MinIO or LocalStack needs http://.',
        }
      : {
          // The SDK's message names the host and port ("connect ECONNREFUSED 127.0.0.1:9"), which is the useful part.
          message: `Could not reach AWS for ${f.operation}${f.endpoint ? ` at ${f.endpoint}` : ''} (${f.detail || f.errno || f.code}).`,
          hint: 'Check your network, proxy settings and --endpoint-url.',
        },
  timeout: (f) => ({
    message: `${f.operation}${f.endpoint ? ` to ${f.endpoint}` : ''} timed out${f.attempts && f.attempts > 1 ? ` after ${f.attempts} attempts` : ''}: ${timeoutDetail(f.detail)}.`,
    hint: 'The endpoint took the connection but did not answer in time. Check your network, proxy and --endpoint-url, then run again (verify: a longer --timeout).',
  }),
  'bucket-taken': (f) => {
    const taken = new BucketTakenError(f.resource ?? '');
    return { message: taken.message, hint: taken.hint ?? '' };
  },
  'malformed-policy': (f) => ({
    message: `S3 refused the policy for ${f.resource}: ${f.detail}`,
    hint: 'Run `prophecy-audit setup --dry-run --json` to see the policy setup tried to write, and report it if it is ours.',
  }),
  'acl-in-use': (f) => ({
    message: `S3 refused to disable ACLs on ${f.resource}: its bucket ACL grants access to someone other than you.`,
    hint: 'Move those grants into the bucket policy and reset the ACL to private (S3 console → Permissions → ACL), then run setup again.',
  }),
  'not-found': asReported,
  'no-such-bucket-policy': asReported,
  'no-ownership-controls': asReported,
  'no-public-access-block': asReported,
  'no-encryption-configuration': asReported,
  'no-object-lock-configuration': asReported,
  'bucket-already-yours': asReported,
  conflict: asReported,
  unknown: asReported,
};

export function describeAwsFailure(f: AwsFailure): Words {
  return WORDS[f.kind](f);
}

/** A CliError for anything the tool knows how to word (its own errors, AWS failures); undefined otherwise. */
export function asCliError(err: unknown): CliError | undefined {
  if (err instanceof CliError) return err;
  if (err instanceof AwsFailure) {
    const { message, hint } = describeAwsFailure(err);
    return new CliError(message, { hint, cause: err });
  }
  return undefined;
}
