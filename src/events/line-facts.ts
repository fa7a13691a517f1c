import { inferEntity } from '../core/catalog.js';
import type { EventFacts } from '../core/event.js';
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
 * Speed comes from the native string search: string contents are jumped over with indexOf('"') (a quote
 * preceded by an odd run of backslashes is escaped), escapes are checked once per line, and only the text
 * between strings (punctuation, numbers) is walked character by character.
 */

const FAIL = -1;
// Characters JSON.parse refuses inside a string; outside strings only tab, CR and LF of them are legal,
// and lines holding them are rare enough to leave to the ordinary path.
const CONTROL = new RegExp('[\\u0000-\\u001f]');

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

function infoOf(key: string): KeyInfo {
  let info = infos.get(key);
  if (info === undefined) {
    if (infos.size > 4096) infos.clear();
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

/**
 * readFacts(JSON.parse(line)) for a JSON Lines record, without `params`; undefined when the line is not
 * one the fast reader fully understands (the caller then parses it). Of time, users and outcome only what
 * `need` asks for is read: the others come back empty (timeMs undefined, no users, outcome undefined,
 * failed false), which is right only for a reader that never looks at them.
 */
export function lineFacts(s: string, need: FactNeeds = ALL_FACTS): EventFacts | undefined {
  if (CONTROL.test(s)) return undefined;
  // The next backslash at or after the cursor (Infinity: none left), to tell strings with escapes.
  let bs = s.indexOf('\\');
  if (bs !== -1 && !escapesValid(s, bs)) return undefined;
  if (bs === -1) bs = Number.POSITIVE_INFINITY;
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 123) return undefined;
  i = ws(s, i + 1);
  if (s.charCodeAt(i) === 125) return undefined;
  let qRank = NO_RANK;
  let query: string | undefined;
  let eRank = NO_RANK;
  let entity: string | undefined;
  // Time and outcome: where the preferred value is (read once, at the end).
  let tRank = NO_RANK;
  let tStart = -1;
  let tEnd = -1;
  let oRank = NO_RANK;
  let oStart = -1;
  let oEnd = -1;
  let users: { rank: number; value: string }[] | undefined;
  // The aliases seen: a second key with the same alias (a duplicate, or the same name in other letter
  // case) makes the answer depend on key order; the ordinary path decides those.
  let seen = 0;
  let members = 0;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return undefined;
    const ks = i + 1;
    i = skipString(s, i);
    if (i === FAIL || bs < i) return undefined; // an escape in a key
    const info = keyAt(s, ks, i - 1, members++);
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    const vs = i;
    const first = s.charCodeAt(vs);
    if (first === 91 && info.wrapper) return undefined;
    i = skipValue(s, i, 1);
    if (i === FAIL) return undefined;
    // Whether the value holds a backslash (for a string: an escape JSON.parse would undo).
    const valueEscaped = bs < i;
    if (valueEscaped) {
      bs = s.indexOf('\\', i);
      if (bs === -1) bs = Number.POSITIVE_INFINITY;
    }
    if (info.slot !== 0) {
      if (seen & info.bit) return undefined;
      seen |= info.bit;
      if (first === 34 && valueEscaped) return undefined;
      const rank = info.rank;
      switch (info.slot) {
        case 3: {
          const q = first === 34 ? queryName(s.slice(vs + 1, i - 1)) : undefined;
          if (q !== undefined && rank < qRank) {
            qRank = rank;
            query = q;
          }
          break;
        }
        case 2: {
          // entityName: a string, or an array's first element; nothing else names an entity.
          let v: string | undefined;
          if (first === 34) v = entityName(s.slice(vs + 1, i - 1));
          else if (first === 91) {
            if (valueEscaped) return undefined;
            const j = ws(s, vs + 1);
            const c = s.charCodeAt(j);
            if (c === 91) return undefined; // nested arrays: entityName recurses; leave it
            if (c === 34) v = entityName(s.slice(j + 1, skipString(s, j) - 1));
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
            tStart = vs;
            tEnd = i;
          }
          break;
        case 5:
          if (rank < oRank) {
            oRank = rank;
            oStart = vs;
            oEnd = i;
          }
          break;
        case 4: {
          // An actor object holds further aliases; the ordinary path reads those.
          if (first === 123) return undefined;
          if (!need.users) break;
          const v = scalar(s, vs, i);
          if (v !== undefined && v !== '') {
            users ??= [];
            users.push({ rank, value: String(v) });
          }
          break;
        }
      }
    }
    if (s.charCodeAt(i) === 32) i = ws(s, i);
    const c = s.charCodeAt(i++);
    if (c === 125) break;
    if (c !== 44) return undefined;
    if (s.charCodeAt(i) === 32) i = ws(s, i);
  }
  if (ws(s, i) !== s.length || query === undefined) return undefined;
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
  const time = need.time && tStart !== -1 ? scalar(s, tStart, tEnd) : undefined;
  let outcome = need.outcome && oStart !== -1 ? scalar(s, oStart, oEnd) : undefined;
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

/** A validated value without escapes as readFacts sees it: a string, a number, or undefined (anything else). */
function scalar(s: string, from: number, to: number): string | number | undefined {
  const c = s.charCodeAt(from);
  if (c === 34) return s.slice(from + 1, to - 1);
  if (c === 45 || isDigit(c)) return Number(s.slice(from, to));
  return undefined;
}
