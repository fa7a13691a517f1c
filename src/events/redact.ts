/** Masking of secret-looking request parameters so passwords and tokens never reach a terminal by accident. */

import { exceedsDepth } from './depth.js';

export const MASK = '***';

/**
 * Below this many levels a value is masked whole rather than walked. Records deeper than
 * MAX_RECORD_DEPTH (see depth.ts) are skipped before they get here, so only JSON decoded out of strings
 * can reach it, and failing closed there is the safe side: nothing below the cap leaks.
 */
export const REDACT_MAX_DEPTH = 300;

// Word stems that mark a value as a secret when they appear in its field name (after splitting it into
// words and dropping digits and a plural s: `apiKeys2` → api, key).
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'token',
  'key',
  'apikey',
  'credential',
  'auth',
  'authorization',
  'cookie',
  'signature',
  'private',
  'privatekey',
]);

// Stems specific enough to count at the end of a run-together word (`accesstoken`, `dbpassword`); `key`
// and `pass` are not (`monkey`, `bypass`).
const STRONG_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'cookie',
];

function stem(word: string): string {
  // cookies → cookie, keys → key, credentials → credential; `pass` and `access` keep their s.
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function isSecretWord(word: string): boolean {
  const w = stem(word);
  return SECRET_WORDS.has(w) || SECRET_WORDS.has(word) || STRONG_SUFFIXES.some((s) => w.endsWith(s));
}

const cache = new Map<string, boolean>();

/**
 * `newPassword2`, `api_keys`, `accessTokens`, `clientSecret`, `cookies` … → true;
 * `projectId`, `userGitCredsUID`, `keyboard` → false.
 */
export function isSecretName(name: string): boolean {
  let hit = cache.get(name);
  if (hit === undefined) {
    const words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter(Boolean);
    hit = words.some(isSecretWord) || isSecretWord(name.toLowerCase().replace(/[^a-z]+/g, ''));
    if (cache.size < 10_000) cache.set(name, hit);
  }
  return hit;
}

// `name=value` pairs in query strings, form bodies, cookie headers and URLs.
const PAIR = /(^|[?&;,\s])([\w.[\]-]+)=([^&;,\s#"']*)/g;

/** `a=1&password=hunter2` → `a=1&password=***`; a string without such a pair is returned as it is. */
export function redactPairs(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(PAIR, (all, pre: string, name: string, value: string) =>
    value !== '' && isSecretName(name) ? `${pre}${name}=${MASK}` : all,
  );
}

/** An own property even for the key `__proto__` (a plain assignment would set the prototype instead). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Strings that may hold JSON: an object, an array, or a JSON string literal (double encoding). */
function mayBeJson(value: string): boolean {
  const c = value.trimStart()[0];
  return value.length > 1 && (c === '{' || c === '[' || c === '"');
}

/**
 * A copy of `value` with every secret-named field masked, at any depth. Strings holding JSON (request
 * parameters are often JSON-encoded, sometimes twice) are searched too and re-encoded only if something
 * was masked; other strings have secret `name=value` pairs masked.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > REDACT_MAX_DEPTH) return MASK;
  // Copy on write: a value with nothing to mask comes back as it is (most records), so nothing is
  // allocated for it and a JSON string inside it needs no re-encoding to compare.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const r = redact(v, depth + 1);
      if (out === undefined && r !== v) out = value.slice(0, i);
      out?.push(r);
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const v = record[k];
      const r = isSecretName(k) && v !== null && v !== '' ? MASK : redact(v, depth + 1);
      if (out === undefined && r !== v) {
        out = {};
        for (const earlier of keys.slice(0, i)) setOwn(out, earlier, record[earlier]);
      }
      if (out !== undefined) setOwn(out, k, r);
    }
    return out ?? value;
  }
  if (typeof value === 'string') {
    if (mayBeJson(value)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return redactPairs(value);
      }
      // Comparing the encodings below recurses; JSON nested past the cap is masked whole instead.
      if (exceedsDepth(parsed, REDACT_MAX_DEPTH - depth)) return MASK;
      const masked = redact(parsed, depth + 1);
      if (masked === parsed) return value;
      const text = JSON.stringify(masked);
      return text === JSON.stringify(parsed) ? value : text;
    }
    return redactPairs(value);
  }
  return value;
}
