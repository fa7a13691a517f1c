/** Masking of secret-looking request parameters so passwords and tokens never reach a terminal by accident. */

export const MASK = '***';

// Words that mark a value as a secret when they appear in its field name (camelCase, snake_case, kebab-case).
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
  'credentials',
  'auth',
  'authorization',
  'cookie',
  'signature',
  'private',
  'privatekey',
]);

const cache = new Map<string, boolean>();

/** `newPassword`, `api_key`, `accessToken`, `clientSecret` … → true; `projectId`, `userGitCredsUID` → false. */
export function isSecretName(name: string): boolean {
  let hit = cache.get(name);
  if (hit === undefined) {
    const words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    hit = words.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(name.toLowerCase());
    if (cache.size < 10_000) cache.set(name, hit);
  }
  return hit;
}

/**
 * A copy of `value` with every secret-named field masked, at any depth. Strings holding JSON objects
 * (request parameters are often JSON-encoded) are searched too and re-encoded only if something was masked.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretName(k) && v !== null && v !== '' ? MASK : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 1 && (value[0] === '{' || value[0] === '[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      const masked = redact(parsed, depth + 1);
      const text = JSON.stringify(masked);
      return text === JSON.stringify(parsed) ? value : text;
    } catch {
      return value;
    }
  }
  return value;
}
