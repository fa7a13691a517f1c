import { inferEntity } from '../core/catalog.js';
import { detach } from '../core/detach.js';
import type { EventFacts } from '../core/event.js';
import { escapeRegExp } from '../core/regexp.js';
import { MAX_RECORD_DEPTH } from './depth.js';
import { entityName, FIELD_ALIASES, isFailedOutcome, queryName, roleOf, WRAPPER_KEYS } from './normalize.js';
import { parseEventTime } from './time.js';

/*
 * The facts of one JSON Lines record read straight from its text, without JSON.parse building the whole
 * object: what a count needs from a line. Parsing every record was most of the CPU of an unfiltered
 * `--count`.
 *
 * The line is still validated completely (every string, escape, number, bracket), so a line JSON.parse
 * would refuse is never counted. Anything this reader does not fully model — a control character, a key
 * or role value with an escape, a duplicated field, a wrapper of events, an actor object, nesting near the
 * depth cap, a line that is not one JSON object — returns undefined, and the caller takes the ordinary
 * path (JSON.parse + readFacts), which then decides and reports. So the answer is always
 * readFacts(JSON.parse(line)), only sooner; `params` is never read (undefined), so this serves only
 * readers that do not build events.
 *
 * Two readers, one set of rules (decide): a walk over the text, where string contents are jumped over
 * with indexOf('"') and only the text between strings is looked at character by character; and, for the
 * lines after many that walked well with the same keys, a template (see learn) that checks a line in one
 * pass of the regex engine, about four times as fast again.
 */

const FAIL = -1;
// Characters JSON.parse refuses inside a string; outside strings only tab, CR and LF of them are legal,
// and lines holding them are rare enough to leave to the ordinary path.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON's control characters are what is looked for
const CONTROL = /[\u0000-\u001f]/;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Every backslash in `s` starts a valid JSON escape (pairs taken left to right, as inside strings). */
function escapesValid(s: string, from: number): boolean {
  for (let p = from; p !== -1; ) {
    const e = s.charCodeAt(p + 1);
    if (e === 117) {
      if (!(isHex(s.charCodeAt(p + 2)) && isHex(s.charCodeAt(p + 3)))) return false;
      if (!(isHex(s.charCodeAt(p + 4)) && isHex(s.charCodeAt(p + 5)))) return false;
      p = s.indexOf('\\', p + 6);
    } else if (
      e === 34 ||
      e === 92 ||
      e === 47 ||
      e === 98 ||
      e === 102 ||
      e === 110 ||
      e === 114 ||
      e === 116
    )
      p = s.indexOf('\\', p + 2);
    else return false;
  }
  return true;
}

/** At an opening quote: the index after the closing one, or FAIL. Escapes were checked for the line. */
function skipString(s: string, i: number): number {
  let q = s.indexOf('"', i + 1);
  while (q !== -1) {
    let k = q - 1;
    while (s.charCodeAt(k) === 92) k--;
    if (((q - 1 - k) & 1) === 0) return q + 1;
    q = s.indexOf('"', q + 1);
  }
  return FAIL;
}

/** A JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
function skipNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) i++;
  let c = s.charCodeAt(i);
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    i++;
    while (isDigit(s.charCodeAt(i))) i++;
  } else return FAIL;
  if (s.charCodeAt(i) === 46) {
    i++;
    if (!isDigit(s.charCodeAt(i))) return FAIL;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  c = s.charCodeAt(i);
  if (c === 101 || c === 69) {
    i++;
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    if (!isDigit(s.charCodeAt(i))) return FAIL;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}

function skipWord(s: string, i: number, word: string): number {
  return s.startsWith(word, i) ? i + word.length : FAIL;
}

// Lines with tabs or line breaks were left to the ordinary path, so spaces are the only whitespace here.
function ws(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

/** Skips one value nested `depth` levels deep (the record is level 1); FAIL when it is not valid JSON. */
function skipValue(s: string, i: number, depth: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return skipString(s, i);
  if (c === 123 || c === 91) {
    // Near exceedsDepth's cap the ordinary path decides.
    if (depth + 1 > MAX_RECORD_DEPTH) return FAIL;
    const close = c === 123 ? 125 : 93;
    i = ws(s, i + 1);
    if (s.charCodeAt(i) === close) return i + 1;
    for (;;) {
      if (c === 123) {
        if (s.charCodeAt(i) !== 34) return FAIL;
        i = skipString(s, i);
        if (i === FAIL) return FAIL;
        i = ws(s, i);
        if (s.charCodeAt(i) !== 58) return FAIL;
        i = ws(s, i + 1);
      }
      i = skipValue(s, i, depth + 1);
      if (i === FAIL) return FAIL;
      i = ws(s, i);
      const d = s.charCodeAt(i++);
      if (d === close) return i;
      if (d !== 44) return FAIL;
      i = ws(s, i);
    }
  }
  if (c === 116) return skipWord(s, i, 'true');
  if (c === 102) return skipWord(s, i, 'false');
  if (c === 110) return skipWord(s, i, 'null');
  return skipNumber(s, i);
}

const WRAPPERS: ReadonlySet<string> = new Set(WRAPPER_KEYS);

/** What a key means to readFacts: its role slot, rank and mask bit, or that it may hold a wrapper's events. */
interface KeyInfo {
  key: string;
  /** 0 none (or params), 1 time, 2 entity, 3 query, 4 user, 5 outcome. */
  slot: number;
  rank: number;
  bit: number;
  wrapper: boolean;
}

const SLOTS: Record<string, number> = { time: 1, entity: 2, query: 3, user: 4, outcome: 5 };
// Each role's aliases get their own bits of one 32-bit mask.
const FIRST_BIT = new Map<string, number>();
{
  let bit = 0;
  for (const [role, names] of Object.entries(FIELD_ALIASES)) {
    FIRST_BIT.set(role, bit);
    bit += names.length;
  }
  if (bit > 31) throw new Error('line-facts: too many field aliases for one mask');
}

// Keys by their text (bounded: keys are input), and the previous line's keys by position: records of one
// export list the same keys in the same order, so most keys are recognised by comparing them in place.
const infos = new Map<string, KeyInfo>();
const lastInfo: (KeyInfo | undefined)[] = [];

function infoOf(text: string): KeyInfo {
  let info = infos.get(text);
  if (info === undefined) {
    if (infos.size > 4096) infos.clear();
    const key = detach(text);
    const r = roleOf(key);
    const slot = r === undefined ? 0 : (SLOTS[r.role] ?? 0);
    info = {
      key,
      slot,
      rank: r?.rank ?? 0,
      bit: r === undefined || slot === 0 ? 0 : 1 << ((FIRST_BIT.get(r.role) as number) + r.rank),
      wrapper: WRAPPERS.has(key),
    };
    infos.set(key, info);
  }
  return info;
}

/** The key in s[ks, ke), the `n`-th of its record. */
function keyAt(s: string, ks: number, ke: number, n: number): KeyInfo {
  const prev = lastInfo[n];
  if (prev !== undefined) {
    const k = prev.key;
    if (k.length === ke - ks) {
      let j = 0;
      while (j < k.length && k.charCodeAt(j) === s.charCodeAt(ks + j)) j++;
      if (j === k.length) return prev;
    }
  }
  const info = infoOf(s.slice(ks, ke));
  if (n < 64) lastInfo[n] = info;
  return info;
}

const NO_RANK = 1 << 30;

/** Facts beyond entity and query that a reader needs (the rest are left empty: see lineFacts). */
export interface FactNeeds {
  time: boolean;
  users: boolean;
  outcome: boolean;
}

export const ALL_FACTS: FactNeeds = { time: true, users: true, outcome: true };

// The record's fields that have a role (but params), in key order, as (key, text, start, end, escaped):
// filled by the walk or by a template, then read by decide(). Reused from line to line.
const itemInfo: KeyInfo[] = [];
const itemText: string[] = [];
const itemStart: number[] = [];
const itemEnd: number[] = [];
const itemEscaped: boolean[] = [];
let items = 0;

function addItem(info: KeyInfo, text: string, start: number, end: number, escaped: boolean): void {
  itemInfo[items] = info;
  itemText[items] = text;
  itemStart[items] = start;
  itemEnd[items] = end;
  itemEscaped[items] = escaped;
  items++;
}

/**
 * readFacts(JSON.parse(line)) for a JSON Lines record, without `params`; undefined when the line is not
 * one the fast reader fully understands (the caller then parses it). Of time, users and outcome only what
 * `need` asks for is read: the others come back empty (timeMs undefined, no users, outcome undefined,
 * failed false), which is right only for a reader that never looks at them.
 */
export function lineFacts(s: string, need: FactNeeds = ALL_FACTS): EventFacts | undefined {
  items = 0;
  const t = lastTemplate;
  if (t !== undefined && t.needBits === needBits(need) && s.length <= TEMPLATE_MAX_LINE) {
    const m = t.re.exec(s);
    if (m !== null) {
      for (let k = 0; k < t.roles.length; k++) {
        const v = m[k + 1] as string;
        addItem(t.roles[k] as KeyInfo, v, 0, v.length, v.includes('\\'));
      }
      return decide(need);
    }
  }
  items = 0;
  if (!walk(s)) return undefined;
  const facts = decide(need);
  if (facts !== undefined) learn(need);
  return facts;
}

// The keys of the line just walked, in order (for learn()).
const walkedKeys: KeyInfo[] = [];
let walkedCount = 0;

/**
 * Validates `s` as one JSON object and records its role fields (addItem) and its keys; false when it is
 * not valid JSON or holds something readFacts would treat differently (see lineFacts).
 */
function walk(s: string): boolean {
  if (CONTROL.test(s)) return false;
  // The next backslash at or after the cursor (Infinity: none left), to tell strings with escapes.
  let bs = s.indexOf('\\');
  if (bs !== -1 && !escapesValid(s, bs)) return false;
  if (bs === -1) bs = Number.POSITIVE_INFINITY;
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 123) return false;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 125) return false;
  // The aliases seen: a second key with the same alias (a duplicate, or the same name in other letter
  // case) makes the answer depend on key order; the ordinary path decides those.
  let seen = 0;
  let members = 0;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return false;
    const ks = i + 1;
    i = skipString(s, i);
    if (i === FAIL || bs < i) return false; // an escape in a key
    const info = keyAt(s, ks, i - 1, members);
    // Only a record narrow enough for a template needs its keys remembered.
    if (members < TEMPLATE_MAX_KEYS) walkedKeys[members] = info;
    members++;
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    const vs = i;
    if (s.charCodeAt(vs) === 91 && info.wrapper) return false;
    i = skipValue(s, i, 1);
    if (i === FAIL) return false;
    // Whether the value holds a backslash (for a string: an escape JSON.parse would undo).
    const escaped = bs < i;
    if (escaped) {
      bs = s.indexOf('\\', i);
      if (bs === -1) bs = Number.POSITIVE_INFINITY;
    }
    if (info.slot !== 0) {
      if (seen & info.bit) return false;
      seen |= info.bit;
      addItem(info, s, vs, i, escaped);
    }
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    const c = s.charCodeAt(i++);
    if (c === 125) break;
    if (c !== 44) return false;
    if (s.charCodeAt(i) === 32) i = ws(s, i);
  }
  walkedCount = members;
  return ws(s, i) === s.length;
}

/** readFacts' choices over the role fields recorded by walk() or a template. */
function decide(need: FactNeeds): EventFacts | undefined {
  let qRank = NO_RANK;
  let query: string | undefined;
  let eRank = NO_RANK;
  let entity: string | undefined;
  let tRank = NO_RANK;
  let tItem = -1;
  let oRank = NO_RANK;
  let oItem = -1;
  let users: { rank: number; value: string }[] | undefined;
  for (let k = 0; k < items; k++) {
    const info = itemInfo[k] as KeyInfo;
    const s = itemText[k] as string;
    const vs = itemStart[k] as number;
    const ve = itemEnd[k] as number;
    const first = s.charCodeAt(vs);
    // A string with an escape: let JSON.parse undo it.
    if (first === 34 && itemEscaped[k]) return undefined;
    const rank = info.rank;
    switch (info.slot) {
      case 3: {
        const q = first === 34 ? queryName(s.slice(vs + 1, ve - 1)) : undefined;
        if (q !== undefined && rank < qRank) {
          qRank = rank;
          query = q;
        }
        break;
      }
      case 2: {
        // entityName: a string, or an array's first element; nothing else names an entity.
        let v: string | undefined;
        if (first === 34) v = entityName(s.slice(vs + 1, ve - 1));
        else if (first === 91) {
          if (itemEscaped[k]) return undefined;
          const j = ws(s, vs + 1);
          const c = s.charCodeAt(j);
          if (c === 91) return undefined; // nested arrays: entityName recurses; leave it
          if (c === 34) v = entityName(s.slice(j + 1, s.indexOf('"', j + 1)));
        }
        if (rank < eRank) {
          eRank = rank;
          entity = v;
        }
        break;
      }
      case 1:
        if (rank < tRank) {
          tRank = rank;
          tItem = k;
        }
        break;
      case 5:
        if (rank < oRank) {
          oRank = rank;
          oItem = k;
        }
        break;
      case 4: {
        if (!need.users) break;
        // An actor object holds further aliases; the ordinary path reads those.
        if (first === 123) return undefined;
        const v = scalar(s, vs, ve);
        if (v !== undefined && v !== '') {
          users ??= [];
          users.push({ rank, value: String(v) });
        }
        break;
      }
    }
  }
  if (query === undefined) return undefined;
  let entityInferred = false;
  if (entity === undefined) {
    entity = inferEntity(query);
    entityInferred = entity !== undefined;
  }
  const userList: string[] = [];
  if (users) {
    users.sort((a, b) => a.rank - b.rank);
    for (const u of users) userList.push(u.value);
  }
  const time = need.time && tItem !== -1 ? scalarItem(tItem) : undefined;
  let outcome = need.outcome && oItem !== -1 ? scalarItem(oItem) : undefined;
  if (outcome === '') outcome = undefined;
  return {
    query,
    entity,
    entityInferred,
    timeMs: parseEventTime(time),
    users: userList,
    user: userList[0],
    outcome,
    failed: isFailedOutcome(outcome),
    params: undefined,
  };
}

function scalarItem(k: number): string | number | undefined {
  return scalar(itemText[k] as string, itemStart[k] as number, itemEnd[k] as number);
}

/** A validated value without escapes as readFacts sees it: a string, a number, or undefined (anything else). */
function scalar(s: string, from: number, to: number): string | number | undefined {
  const c = s.charCodeAt(from);
  if (c === 34) return s.slice(from + 1, to - 1);
  if (c === 45 || isDigit(c)) return Number(s.slice(from, to));
  return undefined;
}

/*
 * Templates. The records of one export list the same keys in the same order, so once lines with the same
 * keys have been walked often enough, a regular expression is built for exactly those keys:
 * `{"k1":V,"k2":V,…}` with V a complete JSON value grammar (strings with their escapes, numbers,
 * literals, and objects and arrays holding those), and a capture around each value whose key has a role. A line it matches is valid JSON with exactly those
 * keys in that order (so no duplicates), and the regex engine checks it in native code, several times
 * faster than the walk. A line it does not match (other keys, whitespace, deeper nesting, anything
 * invalid) is walked as before. The grammar has no ambiguous choice, so a failing match gives up in time
 * linear in the line; lines longer than TEMPLATE_MAX_LINE are walked anyway.
 */
const TEMPLATE_MAX_LINE = 64 * 1024;
const MAX_TEMPLATES = 8;
// Each key repeats the value grammar (about 1 kB of pattern; JavaScript has no named sub-patterns), so a
// record with many keys would make a pattern too large to compile quickly: those are walked instead.
const TEMPLATE_MAX_KEYS = 64;
// Containers nested inside a field's value: one (`requestParams` as an object of values, `nameHints` as an
// array). A record nested deeper is walked; each level more multiplies the pattern's size by about four,
// and with it the time to compile it and, measured, to run it.
const TEMPLATE_LEVELS = 1;
// A template is built for a key list walked this many times: compiling one takes 10-20 ms, which only a
// few thousand lines repay.
const TEMPLATE_AFTER = 100;

interface Template {
  re: RegExp;
  /** The pattern of one record, without anchors. */
  pattern: string;
  /** The same pattern for a run of lines in a chunk of text: sticky, ending at the line's newline. */
  run: RegExp | undefined;
  /**
   * With only entity and query captured (needBits 0), the facts are a function of the two captured texts:
   * decide() runs once per distinct pair (null: the pair needs the ordinary path).
   */
  memo: Map<string, Map<string, EventFacts | null>> | undefined;
  memoSize: number;
  /** What it captures: entity and query, and of the rest only what these ask for (needBits). */
  needBits: number;
  /** The key of each capture, in order. */
  roles: KeyInfo[];
}

const templates = new Map<string, Template | null>();
// How often each key list (not yet a template) was walked; bounded, since key lists are input.
const walks = new Map<string, number>();
let lastTemplate: Template | undefined;

const STRING = String.raw`"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"`;
const NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
/** A JSON value nested at most `levels` containers deep (0: a scalar). */
function valueGrammar(levels: number): string {
  let v = `(?:${STRING}|${NUMBER}|true|false|null)`;
  for (let d = 0; d < levels; d++) {
    const obj = `\\{(?:${STRING}:${v}(?:,${STRING}:${v})*)?\\}`;
    const arr = `\\[(?:${v}(?:,${v})*)?\\]`;
    v = `(?:${STRING}|${NUMBER}|true|false|null|${obj}|${arr})`;
  }
  return v;
}
let VALUE: string | undefined;

const needBits = (need: FactNeeds) => (need.time ? 1 : 0) | (need.users ? 2 : 0) | (need.outcome ? 4 : 0);

/** Whether decide() reads fields of this slot under `need`. */
function captures(slot: number, need: FactNeeds): boolean {
  return (
    slot === 2 ||
    slot === 3 ||
    (slot === 1 && need.time) ||
    (slot === 4 && need.users) ||
    (slot === 5 && need.outcome)
  );
}

/** Builds (once per key list and needs) the template of the line just walked; it is tried first from now on. */
function learn(need: FactNeeds): void {
  if (walkedCount > TEMPLATE_MAX_KEYS) return;
  let id = `${needBits(need)}"`;
  for (let k = 0; k < walkedCount; k++) id += `${(walkedKeys[k] as KeyInfo).key}"`;
  let t = templates.get(id);
  if (t === undefined) {
    if (templates.size >= MAX_TEMPLATES) return;
    const seen = (walks.get(id) ?? 0) + 1;
    if (seen < TEMPLATE_AFTER) {
      if (walks.size > 1024) walks.clear();
      walks.set(id, seen);
      return;
    }
    walks.delete(id);
    VALUE ??= valueGrammar(TEMPLATE_LEVELS);
    const parts: string[] = [];
    const roles: KeyInfo[] = [];
    for (let k = 0; k < walkedCount; k++) {
      const info = walkedKeys[k] as KeyInfo;
      // A wrapper key could hold an array: such lines are left to the ordinary path (see walk).
      if (info.wrapper) {
        templates.set(id, null);
        return;
      }
      const captured = captures(info.slot, need);
      if (captured) roles.push(info);
      parts.push(`"${escapeRegExp(info.key)}":${captured ? `(${VALUE})` : VALUE}`);
    }
    const body = `\\{${parts.join(',')}\\}`;
    t = {
      re: new RegExp(`^${body}$`),
      pattern: body,
      run: undefined,
      memo: needBits(need) === 0 && roles.length === 2 ? new Map() : undefined,
      memoSize: 0,
      needBits: needBits(need),
      roles,
    };
    templates.set(id, t);
  }
  if (t !== null) lastTemplate = t;
}

// Distinct (entity, query) texts remembered per template: bounded, since they are input.
const MEMO_MAX = 4096;

/**
 * Reads complete JSON Lines from `text` at `from` as long as each line matches the current template,
 * handing each line's facts to `onFacts`; returns the index just after the last line read (`from` when
 * none). It stops before the first line that does not match, is longer than `maxChars`, has no newline
 * yet, or needs the ordinary path (an escape in a name): the caller reads that one line by line, and may
 * call again after it. The answers are lineFacts' for each line, only without cutting lines out of the
 * text, and, for a plain count, deciding once per distinct entity and query.
 */
export function readLineRun(
  text: string,
  from: number,
  maxChars: number,
  need: FactNeeds,
  onFacts: (facts: EventFacts) => void,
): number {
  const t = lastTemplate;
  if (t === undefined || t.needBits !== needBits(need)) return from;
  let re = t.run;
  if (re === undefined) {
    // A line ends at \n; a \r before it is cut off the line, as the line splitter does.
    re = new RegExp(`${t.pattern}\\r?\\n`, 'y');
    t.run = re;
  }
  const roles = t.roles;
  const memo = t.memo;
  let pos = from;
  for (;;) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return pos;
    const end = re.lastIndex;
    // The splitter's measure of a line: its characters with a \r, without the \n.
    if (end - 1 - pos > maxChars) return pos;
    let facts: EventFacts | undefined;
    if (memo !== undefined) {
      const a = m[1] as string;
      const b = m[2] as string;
      let inner = memo.get(a);
      let f = inner?.get(b);
      if (f === undefined) {
        items = 0;
        addItem(roles[0] as KeyInfo, a, 0, a.length, a.includes('\\'));
        addItem(roles[1] as KeyInfo, b, 0, b.length, b.includes('\\'));
        f = decide(need) ?? null;
        if (f !== null) f = { ...f, query: detach(f.query), entity: f.entity && detach(f.entity) };
        if (t.memoSize >= MEMO_MAX) {
          memo.clear();
          t.memoSize = 0;
          inner = undefined;
        }
        if (inner === undefined) {
          inner = new Map();
          memo.set(detach(a), inner);
        }
        inner.set(detach(b), f);
        t.memoSize++;
      }
      facts = f ?? undefined;
    } else {
      items = 0;
      for (let k = 0; k < roles.length; k++) {
        const v = m[k + 1] as string;
        addItem(roles[k] as KeyInfo, v, 0, v.length, v.includes('\\'));
      }
      facts = decide(need);
    }
    if (facts === undefined) return pos;
    onFacts(facts);
    pos = end;
  }
}
