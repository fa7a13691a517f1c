import { PolicyParseError, policyStatements, type RawStatement } from '../policy-eval.js';
import type { ReadResult } from './reads.js';
import { deniedMessage } from './types.js';

/** The bucket policy as the policy checks see it: refused, none, not parseable, or its statements. */
export type PolicyRead =
  | { kind: 'denied'; message: string }
  | { kind: 'absent' }
  | { kind: 'invalid'; message: string }
  | { kind: 'ok'; statements: RawStatement[] };

export function parsePolicyRead(bucket: string, read: ReadResult<string | undefined>): PolicyRead {
  if (read.status === 'denied') return { kind: 'denied', message: deniedMessage(bucket, read.permission) };
  const text = read.status === 'ok' ? read.value : undefined;
  if (text === undefined || text.trim() === '') return { kind: 'absent' };
  try {
    return { kind: 'ok', statements: policyStatements(text) };
  } catch (err) {
    if (err instanceof PolicyParseError) return { kind: 'invalid', message: err.message };
    throw err;
  }
}
