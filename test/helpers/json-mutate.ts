/*
 * Mutations of JSON lines for property tests of the readers that skip JSON.parse: single characters,
 * whole tokens (escapes, literals, aliases of known fields), swaps, letter case of keys, duplicated members
 * and values wrapped in arrays up to the depth cap and past it.
 */

const INSERTS = [...'{}[]":,\\ u0123456789aeflnrstu\t'];
// Whole tokens, so that mutations also reach escapes, duplicated aliases and deep nesting.
const TOKENS = [
  '\\"',
  '\\\\',
  '\\u0041',
  '\\ud800',
  '\\u00',
  'null',
  'true',
  '-0',
  '1e400',
  '"opType":"checkout",',
  '"OPTYPE":"x",',
  '"nameHints":[["a"]],',
  '"actor":{"uid":1},',
  '"userEmail":"z@z",',
  '"events":[],',
  '\ufeff',
  '\u2028',
];

export function mutate(line: string, r: () => number): string {
  const at = (n: number) => Math.floor(r() * (n + 1));
  let s = line;
  const count = 1 + Math.floor(r() * 3);
  for (let m = 0; m < count; m++) {
    const i = at(s.length);
    switch (Math.floor(r() * 8)) {
      case 0:
        s = s.slice(0, i) + s.slice(i + 1);
        break;
      case 1:
        s = s.slice(0, i) + INSERTS[Math.floor(r() * INSERTS.length)] + s.slice(i);
        break;
      case 2: {
        const j = Math.min(s.length, i + 1 + Math.floor(r() * 30));
        const k = at(s.length);
        s = s.slice(0, k) + s.slice(i, j) + s.slice(k);
        break;
      }
      case 3: {
        const j = at(s.length - 1);
        const a = Math.min(i, j);
        const b = Math.max(i, j);
        if (b < s.length && a !== b) s = s.slice(0, a) + s[b] + s.slice(a + 1, b) + s[a] + s.slice(b + 1);
        break;
      }
      case 4: {
        // Change the letter case of one key (an alias matches in any case; a duplicate then may appear).
        const keys = [...s.matchAll(/"([A-Za-z_]+)"\s*:/g)];
        const k = keys[Math.floor(r() * keys.length)];
        if (k?.index === undefined) break;
        const name = k[1] as string;
        const changed = [
          name.toUpperCase(),
          name.toLowerCase(),
          [...name].map((c) => (r() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join(''),
        ][Math.floor(r() * 3)] as string;
        s = s.slice(0, k.index + 1) + changed + s.slice(k.index + 1 + name.length);
        break;
      }
      case 5:
        s = s.slice(0, i) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(i);
        break;
      case 6: {
        // Repeat one simple member, maybe in other letter case: a duplicate of a field lineFacts reads.
        const members = [...s.matchAll(/"[A-Za-z_]+":(?:"[^"\\]*"|-?\d+)/g)];
        const k = members[Math.floor(r() * members.length)];
        if (k?.index === undefined) break;
        const copy = r() < 0.5 ? k[0] : k[0].replace(/^"./, (c) => c.toUpperCase());
        const end = k.index + k[0].length;
        s =
          r() < 0.5
            ? `${s.slice(0, end)},${copy}${s.slice(end)}`
            : `${s.slice(0, k.index)}${copy},${s.slice(k.index)}`;
        break;
      }
      default: {
        // Wrap one value in arrays, up to the depth cap and past it.
        const v = /:(-?\d+|"[^"\\]*")/g;
        const found = [...s.matchAll(v)];
        const k = found[Math.floor(r() * found.length)];
        if (k?.index === undefined) break;
        const n = [1, 2, 253, 254, 255, 256][Math.floor(r() * 6)] as number;
        const value = k[1] as string;
        s = `${s.slice(0, k.index + 1)}${'['.repeat(n)}${value}${']'.repeat(n)}${s.slice(k.index + 1 + value.length)}`;
      }
    }
  }
  return s;
}
