import { queriesOfEntity } from '../core/catalog.js';
import type { EventFacts } from '../core/event.js';
import { escapeRegExp } from '../core/regexp.js';
import { FIELD_ALIASES, isRecordObject, WRAPPER_KEYS } from './normalize.js';

/*
 * Text to records: lines are cut out of streamed text, a raw-line pre-filter rules out lines that cannot
 * match before they are parsed, and each object's shape (JSON Lines, one array, one wrapper object) is
 * found from its first line. Pure: no I/O.
 */

/** A line longer than the splitter's limit: only its length is kept, never its text. */
export interface OverlongLine {
  overlong: number;
}

export type Line = string | OverlongLine;

export function isOverlong(line: Line): line is OverlongLine {
  return typeof line !== 'string';
}

/**
 * Splits streamed text into lines (\n or \r\n endings) in linear time and bounded memory.
 *
 * Only each new chunk is searched for newlines; the pieces of an unfinished line are kept in a list and
 * joined once, when its newline arrives. (Searching `rest + chunk` instead rescans the whole partial line
 * for every chunk: a 200 MB line without newlines took minutes.) A line that grows past `maxChars` is
 * dropped as it streams and comes out as an OverlongLine, so a gzip bomb of NUL bytes costs no memory.
 */
export class LineSplitter {
  private parts: string[] = [];
  private size = 0;
  private overflow = false;

  /** `maxChars`: the longest line kept, in UTF-16 code units (the length JavaScript strings have). */
  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  /** The complete lines in `chunk` (the first one joined with what was left over from earlier chunks). */
  push(chunk: string): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.keep(chunk, start, nl);
      lines.push(this.take());
      start = nl + 1;
    }
    this.keep(chunk, start, chunk.length);
    return lines;
  }

  /** Characters of the unfinished line held (or dropped for being too long) so far. */
  get pendingChars(): number {
    return this.size;
  }

  /** Forgets the unfinished line (its text is to be read again, e.g. after a broken transfer). */
  drop(): void {
    this.parts = [];
    this.size = 0;
    this.overflow = false;
  }

  /** The last line when the text did not end with a newline. */
  flush(): Line | undefined {
    if (this.size === 0) return undefined;
    return this.take();
  }

  private keep(chunk: string, from: number, to: number): void {
    if (from >= to) return;
    this.size += to - from;
    if (this.overflow) return;
    if (this.size > this.maxChars) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
  }

  private take(): Line {
    const line: Line = this.overflow
      ? { overlong: this.size }
      : this.parts.length === 1
        ? (this.parts[0] as string)
        : this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.overflow = false;
    if (typeof line !== 'string') return line;
    return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  }
}

const QUERY_KEYS = new Set(FIELD_ALIASES.query.map((k) => k.toLowerCase()));

/** The key holding the events when `value` is a wrapper object ({"events": [...]}), else undefined. */
export function wrapperKey(value: Record<string, unknown>): string | undefined {
  for (const k of WRAPPER_KEYS) {
    if (Array.isArray(value[k])) {
      // An event that happens to carry a `data` array is still an event.
      for (const own in value) if (QUERY_KEYS.has(own.toLowerCase())) return undefined;
      return k;
    }
  }
  return undefined;
}

/** How an object's content was laid out, as --inspect reports it. */
export type Shape =
  | 'empty'
  | 'json-lines'
  | 'json-array'
  | `json-object.${string}`
  | `json-lines.${string}`
  | 'json-object'
  | 'not-json';

/** The records one parsed JSON value holds: an array's elements, a wrapper's array, or the value itself. */
export function recordsOf(value: unknown): { records: unknown[]; via: string | undefined } {
  if (Array.isArray(value)) return { records: value, via: 'array' };
  if (isRecordObject(value)) {
    const k = wrapperKey(value);
    if (k !== undefined) return { records: value[k] as unknown[], via: k };
  }
  return { records: [value], via: undefined };
}

export interface ScanCallbacks {
  /** A record to look at; `line` is its line (JSON Lines) or 1-based position in the document's array. */
  record(record: unknown, line: number): void;
  /**
   * A JSON Lines record read by `ScanLimits.lineFacts` instead of being parsed: its facts (all but params),
   * exactly as readFacts gives them for the parsed record, which is known to be within the depth limit.
   */
  facts?(facts: EventFacts, line: number): void;
  /** Lines the pre-filter ruled out: counted as scanned, never parsed. */
  skipped(count: number): void;
  /** A line that is not JSON, or a value that is not an object. */
  bad(line: number, reason: string): void;
}

/** A cheap test on raw JSON lines, so lines that cannot match are never parsed. */
export interface Prefilter {
  /**
   * False means the record cannot match, so it need not be parsed. It never rejects a record that could
   * match (strings with JSON \u escapes are always let through).
   */
  mayMatch(line: string): boolean;
  /**
   * A global regex for one required string (or a JSON \u escape) to search whole chunks with, so lines
   * that cannot match are skipped without even being cut out of the text.
   */
  needle: RegExp | undefined;
}

export interface CompiledPrefilter extends Prefilter {
  /** True when mayMatch can reject anything (there is something to look for in the raw text). */
  prefilters: boolean;
}

/** What the pre-filter looks for: the --entity, --query and --user values (canonical names). */
export interface PrefilterTerms {
  entities: readonly string[];
  queries: readonly string[];
  user: string | undefined;
}

/**
 * The ways a word can be written inside a JSON string: as JSON.stringify escapes it (`\` as `\\`, `"`
 * as `\"`, controls as `\n` or `\u0001`), with `/` also as `\/`, and as it is (for text that is not
 * strictly JSON). Other `\u` spellings are covered by letting every line with a `\u` through.
 */
export function jsonSpellings(word: string): string[] {
  const escaped = JSON.stringify(word).slice(1, -1);
  return [...new Set([word, escaped, escaped.replaceAll('/', '\\/')])];
}

function alternatives(words: Iterable<string>): string {
  const lower = new Set([...words].map((w) => w.toLowerCase()));
  return [...new Set([...lower].flatMap(jsonSpellings))].map(escapeRegExp).join('|');
}

// The only characters outside ASCII whose toLowerCase() (what the filter compares) holds ASCII letters:
// U+0130 (İ → i̇) and U+212A (Kelvin sign → k). A case-insensitive regex does not equate them with i, k.
const LOWERS_TO_ASCII = /[\u0130\u212a]/;
const LOWERS_TO_ASCII_G = new RegExp(LOWERS_TO_ASCII.source, 'g');

/**
 * Text the pre-filter cannot rule out by searching: a JSON \u escape could spell a needle, and so could
 * a letter that lowercases to ASCII.
 */
function mustParse(text: string, from = 0): boolean {
  if (text.includes('\\u', from)) return true;
  if (from === 0) return LOWERS_TO_ASCII.test(text);
  LOWERS_TO_ASCII_G.lastIndex = from;
  return LOWERS_TO_ASCII_G.test(text);
}

/**
 * Case-insensitive regexes compare ASCII letters exactly as toLowerCase() does (what the filter uses),
 * but not every other letter (the Kelvin sign, dotted İ): a word with non-ASCII text is not pre-filtered.
 */
const isAscii = (w: string) => ![...w].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);

/**
 * The raw-line pre-filter for a query: every flag given must have one of its words somewhere in the line
 * (case-insensitively, as the word is written in JSON text). A line without them is counted as scanned
 * and never parsed. A flag with a non-ASCII word is left to the parsed filter.
 */
export function compilePrefilter(f: PrefilterTerms): CompiledPrefilter {
  const all: string[][] = [];
  if (f.queries.length > 0) all.push([...f.queries]);
  // The entity may be absent from the record and inferred from the query name, so any of the
  // entity's query names in the line is enough to keep it.
  if (f.entities.length > 0) all.push(f.entities.flatMap((e) => [e, ...queriesOfEntity(e)]));
  if (f.user) all.push([f.user.toLowerCase()]);
  const words = all.filter((w) => w.every(isAscii));
  const tests = words.map((w) => new RegExp(alternatives(w), 'i'));
  const first = words[0];
  return {
    prefilters: tests.length > 0,
    needle: first ? new RegExp(alternatives(first), 'gi') : undefined,
    mayMatch(line: string): boolean {
      for (const t of tests) {
        if (!t.test(line)) return mustParse(line);
      }
      return true;
    },
  };
}

/**
 * Turns an object's text into records, whatever its shape: JSON Lines (each line an event, an array of
 * events, or a wrapper object), one JSON array, or one JSON object with the array under
 * events/records/Records/data. A first line that is not complete JSON switches to reading the whole
 * object as one document; if that fails too, the lines are read one by one and the bad ones reported.
 * Lines a pre-filter rules out are counted as skipped, never parsed.
 */
/** The default cap on one record (--max-record-bytes): far above any real audit event. */
export const DEFAULT_MAX_RECORD = 16 * 1024 * 1024;

export interface ScanLimits {
  /**
   * Reads a line's facts without parsing it (line-facts.ts), or undefined to parse it as usual. Only for
   * readers that need no more than the facts (a count), since the record itself is never built.
   */
  lineFacts?: (line: string) => EventFacts | undefined;
  /**
   * With lineFacts: reads a run of complete lines straight from a chunk of text (readLineRun in
   * line-facts.ts), returning where it stopped; the scanner reads the line there as usual and goes on.
   */
  lineRun?: (text: string, from: number, maxChars: number, onFacts: (facts: EventFacts) => void) => number;
  /**
   * The longest record kept, in characters of decoded text (≈ bytes for JSON's mostly-ASCII text). A
   * pretty-printed document must be parsed whole, so for that shape the cap applies to the document.
   */
  maxRecordChars?: number;
}

export function tooLongReason(chars: number, max: number): string {
  return `record of ${chars.toLocaleString('en-US')}+ characters is longer than --max-record-bytes ${max}`;
}

export class RecordScanner {
  private readonly splitter: LineSplitter;
  private readonly max: number;
  private lineNo = 0;
  private mode: 'start' | 'lines' | 'document' | 'discard' = 'start';
  private doc: string[] = [];
  private docSize = 0;
  private docLine = 0;
  private rest = '';
  // Fast path: the length of a partial line dropped for being too long (0: none dropped).
  private restDropped = 0;
  private started = false;
  private fast: RegExp | undefined;
  private readonly mayMatch: ((line: string) => boolean) | undefined;
  private readonly lineFacts: ((line: string) => EventFacts | undefined) | undefined;
  private readonly lineRun: ScanLimits['lineRun'];
  private readonly onRunFacts = (facts: EventFacts) => this.cb.facts?.(facts, ++this.lineNo);
  shape: Shape = 'empty';

  constructor(
    private readonly cb: ScanCallbacks,
    private readonly prefilter: Prefilter | undefined,
    limits: ScanLimits = {},
  ) {
    this.mayMatch = prefilter?.mayMatch;
    this.lineFacts = cb.facts ? limits.lineFacts : undefined;
    this.lineRun = this.lineFacts && !prefilter?.needle ? limits.lineRun : undefined;
    this.max = limits.maxRecordChars ?? DEFAULT_MAX_RECORD;
    this.splitter = new LineSplitter(this.max);
  }

  /**
   * Characters pushed but not yet taken as a complete line: everything before them has been delivered
   * (or, for a pretty-printed document, collected). A broken transfer is resumed after them.
   */
  pendingChars(): number {
    return this.splitter.pendingChars + this.rest.length + this.restDropped;
  }

  /**
   * Forgets the unfinished last line, so the text can go on from the end of the last complete line
   * (pendingChars() characters back): line numbers, shape and the collected document are kept.
   */
  dropPartial(): void {
    this.splitter.drop();
    this.rest = '';
    this.restDropped = 0;
  }

  push(chunk: string): void {
    let text = chunk;
    if (!this.started) {
      this.started = true;
      // A UTF-8 BOM is not JSON whitespace: left in, it spoils the first line or the whole document.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.mode === 'discard') return;
    if (this.fast) {
      this.searchChunk(text, this.fast);
      return;
    }
    if (this.lineRun) {
      this.runLines(text, this.lineRun);
      return;
    }
    for (const line of this.splitter.push(text)) this.line(line);
    if (this.mode === 'lines' && this.prefilter?.needle) {
      // The shape is known to be JSON Lines: from the next chunk on, take the fast path.
      this.fast = this.prefilter.needle;
      const partial = this.splitter.flush() ?? '';
      if (isOverlong(partial)) this.restDropped = partial.overlong;
      else this.rest = partial;
    }
  }

  /**
   * JSON Lines read for their facts: runs of lines are read in place by lineRun, and the line where it
   * stops is cut out and read as usual (which also settles the shape at the first line). As soon as the
   * object turns out not to be JSON Lines, the rest goes through the line splitter.
   */
  private runLines(text: string, run: NonNullable<ScanLimits['lineRun']>): void {
    let pos = 0;
    if (this.splitter.pendingChars > 0) {
      // The line left unfinished by the previous chunk ends in this one.
      const nl = text.indexOf('\n');
      if (nl === -1) {
        this.splitter.push(text);
        return;
      }
      for (const line of this.splitter.push(text.slice(0, nl + 1))) this.line(line);
      pos = nl + 1;
    }
    while (pos < text.length) {
      if (this.mode === 'lines') pos = run(text, pos, this.max, this.onRunFacts);
      if (this.mode === 'document' || this.mode === 'discard') {
        for (const line of this.splitter.push(text.slice(pos))) this.line(line);
        return;
      }
      const nl = text.indexOf('\n', pos);
      if (nl === -1) {
        this.splitter.push(pos === 0 ? text : text.slice(pos));
        return;
      }
      // The same Line the splitter would give: too long to keep, or without its \r.
      this.line(nl - pos > this.max ? { overlong: nl - pos } : stripCr(text.slice(pos, nl)));
      pos = nl + 1;
    }
  }

  /**
   * JSON Lines with a pre-filter: search the chunk for the needle and cut out only the lines it hits;
   * the lines in between are counted, not sliced or parsed.
   */
  private searchChunk(chunk: string, needle: RegExp): void {
    const firstNl = chunk.indexOf('\n');
    if (firstNl === -1) {
      if (this.restDropped > 0) this.restDropped += chunk.length;
      else if (this.rest.length + chunk.length > this.max) {
        this.restDropped = this.rest.length + chunk.length;
        this.rest = '';
      } else this.rest += chunk;
      return;
    }
    if (this.restDropped > 0 || this.rest.length + firstNl > this.max) {
      this.cb.bad(++this.lineNo, tooLongReason(this.restDropped + this.rest.length + firstNl, this.max));
      this.restDropped = 0;
      this.rest = '';
    } else {
      // The line straddling the previous chunk is joined on its own, so the chunk itself is searched
      // as it came (a flat string: no copy of the whole chunk).
      const head = this.rest + chunk.slice(0, firstNl);
      this.rest = '';
      this.headLine(head, needle);
    }
    this.restOfChunk(chunk, needle, firstNl);
  }

  private headLine(head: string, needle: RegExp): void {
    needle.lastIndex = 0;
    if (needle.test(head) || mustParse(head)) this.jsonLine(stripCr(head), ++this.lineNo);
    else {
      this.lineNo++;
      if (head.trim() !== '') this.cb.skipped(1);
    }
  }

  private restOfChunk(chunk: string, needle: RegExp, firstNl: number): void {
    const lastNl = chunk.lastIndexOf('\n');
    this.rest = chunk.slice(lastNl + 1);
    if (lastNl === firstNl) return;
    const from = firstNl + 1;
    if (mustParse(chunk, from)) {
      // A \u escape (or a letter lowercasing to ASCII) could spell the needle: take the careful
      // line-by-line path for this chunk.
      let start = from;
      for (let nl = chunk.indexOf('\n', start); nl !== -1 && nl <= lastNl; nl = chunk.indexOf('\n', start)) {
        this.jsonLine(stripCr(chunk.slice(start, nl)), ++this.lineNo);
        start = nl + 1;
      }
      return;
    }
    let pos = from;
    needle.lastIndex = from;
    for (let m = needle.exec(chunk); m !== null && m.index < lastNl; m = needle.exec(chunk)) {
      const start = chunk.lastIndexOf('\n', m.index) + 1;
      const end = chunk.indexOf('\n', m.index);
      this.countSkipped(chunk, pos, start);
      this.jsonLine(stripCr(chunk.slice(start, end)), ++this.lineNo);
      pos = end + 1;
      needle.lastIndex = pos;
    }
    this.countSkipped(chunk, pos, lastNl + 1);
  }

  /** Counts the lines in text[from, to) (which ends just after a newline) as scanned and skipped. */
  private countSkipped(text: string, from: number, to: number): void {
    let lines = 0;
    let blank = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1 && nl < to; nl = text.indexOf('\n', nl + 1)) {
      lines++;
      if (nl === from || (nl === from + 1 && text.charCodeAt(from) === 13)) blank++;
      from = nl + 1;
    }
    this.lineNo += lines;
    if (lines > blank) this.cb.skipped(lines - blank);
  }

  end(): void {
    if (this.mode === 'discard') return;
    if (this.restDropped > 0) {
      this.cb.bad(++this.lineNo, tooLongReason(this.restDropped, this.max));
      this.restDropped = 0;
    }
    if (this.rest !== '') {
      this.splitter.push(this.rest);
      this.rest = '';
    }
    const last = this.splitter.flush();
    if (last !== undefined) this.line(last);
    if (this.mode === 'document') this.finishDocument();
  }

  private line(l: Line): void {
    const n = ++this.lineNo;
    if (this.mode === 'discard') return;
    if (this.mode === 'document') {
      this.docSize += isOverlong(l) ? l.overlong : l.length + 1;
      if (isOverlong(l) || this.docSize > this.max) this.dropDocument();
      else this.doc.push(l);
      return;
    }
    if (isOverlong(l)) {
      this.cb.bad(n, tooLongReason(l.overlong, this.max));
      return;
    }
    const line = l;
    if (this.mode === 'start') {
      const t = line.trim();
      if (t === '') return;
      const c = t[0];
      if ((c === '[' || c === '{') && !parses(t)) {
        this.mode = 'document';
        this.doc = [];
        for (let i = 1; i < n; i++) this.doc.push('');
        this.doc.push(line);
        this.docSize = n + line.length;
        this.docLine = n;
        return;
      }
      this.mode = 'lines';
      this.shape = 'json-lines';
    }
    this.jsonLine(line, n);
  }

  /** A document past the cap cannot be parsed in bounded memory: the rest of the object is skipped, once reported. */
  private dropDocument(): void {
    this.cb.bad(this.docLine, tooLongReason(this.docSize, this.max).replace('record', 'JSON document'));
    this.doc = [];
    this.mode = 'discard';
    this.shape = 'not-json';
  }

  private jsonLine(line: string, n: number): void {
    if (line.length > this.max) {
      this.cb.bad(n, tooLongReason(line.length, this.max));
      return;
    }
    if (this.mayMatch !== undefined && !this.mayMatch(line)) {
      // Only whitespace is not a record; anything else counts as scanned.
      if (line.trim() !== '') this.cb.skipped(1);
      return;
    }
    if (this.lineFacts !== undefined) {
      const facts = this.lineFacts(line);
      if (facts !== undefined) {
        this.cb.facts?.(facts, n);
        return;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.trim() !== '') this.cb.bad(n, 'not valid JSON');
      return;
    }
    const { records, via } = recordsOf(value);
    if (via !== undefined && via !== 'array' && this.shape === 'json-lines') this.shape = `json-lines.${via}`;
    for (const r of records) {
      if (isRecordObject(r)) this.cb.record(r, n);
      else this.cb.bad(n, 'not a JSON object');
    }
  }

  private finishDocument(): void {
    const lines = this.doc;
    this.doc = [];
    let value: unknown;
    try {
      value = JSON.parse(lines.join('\n'));
    } catch {
      this.mode = 'lines';
      this.shape = 'not-json';
      lines.forEach((l, i) => {
        this.jsonLine(l, i + 1);
      });
      return;
    }
    const { records, via } = recordsOf(value);
    this.shape = via === 'array' ? 'json-array' : via !== undefined ? `json-object.${via}` : 'json-object';
    records.forEach((r, i) => {
      if (isRecordObject(r)) this.cb.record(r, i + 1);
      else this.cb.bad(i + 1, 'not a JSON object');
    });
  }
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
