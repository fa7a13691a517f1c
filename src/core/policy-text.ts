/**
 * Removing statements from a policy by editing its text, not by re-serializing it. Everything that is
 * not removed — the customer's statements, their key order, number spellings, whitespace, Version and
 * Id — stays byte for byte as it was, so `revoke` can promise it wrote the rest back untouched.
 *
 * The caller parses the text first (JSON.parse / policyStatements) and decides which statements go;
 * this module only finds where each top-level `Statement` entry sits in the text and cuts.
 */

export interface StatementSpans {
  /** The `Statement` value is an array (`[...]`) or a single object (`{...}`). */
  kind: 'array' | 'object';
  /** Offset of the value's first character (`[` or `{`) and one past its last. */
  start: number;
  end: number;
  /** For an array: each entry's [start, end) offsets, in order; for an object: the object itself. */
  entries: Array<[number, number]>;
}

export class PolicyTextError extends Error {
  override name = 'PolicyTextError';
}

const WS = new Set([' ', '\t', '\n', '\r']);

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new PolicyTextError(`${what} at offset ${this.pos}`);
  }

  skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text[this.pos] as string)) this.pos++;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.pos++;
  }

  /** Skips a string literal and returns its decoded value. */
  string(): string {
    const start = this.pos;
    this.expect('"');
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '\\') this.pos += 2;
      else if (ch === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    return this.fail('unterminated string');
  }

  /** Skips any JSON value; returns its [start, end). */
  value(): [number, number] {
    this.skipWs();
    const start = this.pos;
    const ch = this.peek();
    if (ch === '"') this.string();
    else if (ch === '{') this.container('{', '}', true);
    else if (ch === '[') this.container('[', ']', false);
    else {
      while (this.pos < this.text.length && /[-+.\w]/.test(this.text[this.pos] as string)) this.pos++;
      if (this.pos === start) this.fail('expected a value');
    }
    return [start, this.pos];
  }

  /** Skips an object or array; for arrays, returns each entry's span. */
  container(open: string, close: string, keyed: boolean): Array<[number, number]> {
    const entries: Array<[number, number]> = [];
    this.expect(open);
    this.skipWs();
    if (this.peek() === close) {
      this.pos++;
      return entries;
    }
    for (;;) {
      if (keyed) {
        this.skipWs();
        this.string();
        this.skipWs();
        this.expect(':');
      }
      entries.push(this.value());
      this.skipWs();
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(close);
      return entries;
    }
  }
}

/**
 * Where the top-level `Statement` value and its entries are in `text`. Throws PolicyTextError when the
 * text is not a JSON object or has no Statement. With a duplicated key the last one counts, as JSON.parse.
 */
export function statementSpans(text: string): StatementSpans {
  const s = new Scanner(text);
  s.skipWs();
  s.expect('{');
  let found: StatementSpans | undefined;
  s.skipWs();
  if (s.peek() !== '}') {
    for (;;) {
      s.skipWs();
      const key = s.string();
      s.skipWs();
      s.expect(':');
      s.skipWs();
      if (key === 'Statement' && (s.peek() === '[' || s.peek() === '{')) {
        const start = s.pos;
        if (s.peek() === '[') {
          const entries = s.container('[', ']', false);
          found = { kind: 'array', start, end: s.pos, entries };
        } else {
          const [a, b] = s.value();
          found = { kind: 'object', start: a, end: b, entries: [[a, b]] };
        }
      } else {
        s.value();
        if (key === 'Statement') found = undefined; // a later non-container Statement replaces an earlier one
      }
      s.skipWs();
      if (s.peek() === ',') {
        s.pos++;
        continue;
      }
      s.expect('}');
      break;
    }
  }
  if (!found) throw new PolicyTextError('the policy has no Statement list');
  return found;
}

/**
 * The policy text without the Statement entries at `remove` (0-based positions in the Statement array).
 * Kept entries, and the whitespace before each, are copied verbatim. Removing every entry is the
 * caller's business (an empty Statement list is not a valid policy), so it is refused here.
 */
export function removeStatementEntries(text: string, remove: ReadonlySet<number>): string {
  if (remove.size === 0) return text;
  const spans = statementSpans(text);
  const kept = spans.entries.map((_, i) => i).filter((i) => !remove.has(i));
  if (kept.length === 0) throw new PolicyTextError('removing every statement would leave an empty policy');
  if (spans.kind === 'object') return text; // one statement, kept (remove held no valid position)
  // The text is `[` head E0 sep0 E1 sep1 … En tail `]`; a kept entry keeps the separator just before it
  // (or the head, for the first one kept), so uniform formatting stays uniform.
  const entries = spans.entries;
  const entryText = (i: number): string => text.slice(...(entries[i] as [number, number]));
  const sepBefore = (i: number): string =>
    text.slice((entries[i - 1] as [number, number])[1], (entries[i] as [number, number])[0]);
  const head = text.slice(spans.start + 1, (entries[0] as [number, number])[0]);
  const tail = text.slice((entries[entries.length - 1] as [number, number])[1], spans.end - 1);
  const [first, ...rest] = kept as [number, ...number[]];
  const body = `${head}${entryText(first)}${rest.map((i) => `${sepBefore(i)}${entryText(i)}`).join('')}${tail}`;
  return `${text.slice(0, spans.start)}[${body}]${text.slice(spans.end)}`;
}
