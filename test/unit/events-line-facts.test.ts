import { readFileSync } from 'node:fs';
import { inspect, isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventFacts } from '../../src/core/event.js';
import { exceedsDepth } from '../../src/events/depth.js';
import { ALL_FACTS, type FactNeeds, lineFacts } from '../../src/events/line-facts.js';
import { isRecordObject, readFacts } from '../../src/events/normalize.js';
import { wrapperKey } from '../../src/events/scan.js';
import {
  generateExport,
  generateObject,
  type RecordStyle,
  rng,
  variantFor,
} from '../../src/synthetic/export.js';
import { factsFor } from '../helpers/facts-need.js';
import { mutate } from '../helpers/json-mutate.js';

/*
 * lineFacts is a shortcut past JSON.parse for `--count`: whatever it answers must be exactly what the
 * ordinary path (JSON.parse, then readFacts) would have counted, and it may decline (undefined) anything.
 * So every check here is the same contract, with JSON.parse + readFacts as the oracle.
 */

const NO_FACTS: FactNeeds = { time: false, users: false, outcome: false };

/**
 * lineFacts(line, need) and, when it answered, why that answer breaks the contract (undefined: it keeps
 * it). Declining always keeps it.
 */
function check(line: string, need: FactNeeds = ALL_FACTS, read = lineFacts): { read: boolean; why?: string } {
  const got = read(line, need);
  if (got === undefined) return { read: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { read: true, why: `read a line JSON.parse refuses (${(err as Error).message})` };
  }
  if (!isRecordObject(parsed)) return { read: true, why: 'read a line that is not a JSON object' };
  if (wrapperKey(parsed) !== undefined) return { read: true, why: 'read a wrapper of events as one event' };
  if (exceedsDepth(parsed)) return { read: true, why: 'read a record the depth check refuses' };
  const facts = readFacts(parsed);
  if (facts === undefined) return { read: true, why: 'read a record readFacts finds no query in' };
  const want = factsFor(facts, need);
  if (isDeepStrictEqual(got, want)) return { read: true };
  return { read: true, why: `got ${inspect(got)}, readFacts says ${inspect(want)}` };
}

/** Fails with the line itself, so a broken case can be pasted straight into a reproduction. */
function expectContract(line: string, need: FactNeeds = ALL_FACTS, read = lineFacts) {
  const { why } = check(line, need, read);
  expect(why === undefined ? undefined : `${JSON.stringify(line)}: ${why}`).toBeUndefined();
}

/**
 * lineFacts of a newly loaded module. It learns from the lines it reads (the keys of one export's lines
 * repeat) and keeps only so much of it, so tests of what it learned start from nothing.
 */
async function freshLineFacts(): Promise<typeof lineFacts> {
  vi.resetModules();
  return (await import('../../src/events/line-facts.js')).lineFacts;
}

const bodyText = (body: Buffer) =>
  (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString();
const linesOf = (text: string) => text.split('\n').filter((l) => l !== '');

const C = '"opType":"commit"';
const nested = (levels: number, open: string, close: string) =>
  `{${C},"requestParams":${open.repeat(levels - 1)}${close.repeat(levels - 1)}}`;

type Want = 'value' | 'undefined' | 'either';

/*
 * 'value': a clean line the fast reader exists for (declining it would make --count parse it after all).
 * 'undefined': not one JSON object holding an event, so nothing may be read from it.
 * 'either': valid but odd (escapes in a field it reads, duplicates, control characters): declining is
 * fine, answering must still agree with the parse.
 */
const CASES: [string, string, Want][] = [
  // Escapes: in values it does not read they are only validated; invalid ones make the line invalid JSON.
  ['escaped quote in another value', String.raw`{${C},"note":"say \"hi\""}`, 'value'],
  ['escaped backslash in another value', String.raw`{${C},"note":"a\\b"}`, 'value'],
  ['escaped slash in another value', String.raw`{${C},"note":"a\/b"}`, 'value'],
  ['\\u escape in another value', String.raw`{${C},"note":"\u0041"}`, 'value'],
  ['a value ending in an escaped backslash', String.raw`{${C},"a":"x\\","b":"y"}`, 'value'],
  ['a value of only an escaped backslash before a role field', String.raw`{"a":"\\",${C}}`, 'value'],
  ['escaped quote then end of string', String.raw`{${C},"a":"\\\"}`, 'undefined'],
  ['invalid escape \\x', String.raw`{${C},"note":"\x41"}`, 'undefined'],
  ['short \\u escape', String.raw`{${C},"note":"\u12"}`, 'undefined'],
  ['short \\u escape at the end of the line', String.raw`{${C},"note":"\u12`, 'undefined'],
  ['backslash at the end of the line', `{${C},"note":"\\`, 'undefined'],
  ['backslash outside a string', String.raw`{${C},\"a":1}`, 'undefined'],
  ['escape in the query value', String.raw`{"opType":"c\u006fmmit"}`, 'either'],
  ['escape in a role key', String.raw`{"op\u0054ype":"commit"}`, 'either'],
  ['escaped quote in another key', String.raw`{${C},"k\"ey":1}`, 'either'],
  ['escape in a user value', String.raw`{${C},"userEmail":"a\"b@c"}`, 'either'],
  ['escape in the entity array', String.raw`{${C},"nameHints":["Pro\u006aect"]}`, 'either'],
  ['escape in a later element of the entity array', String.raw`{${C},"nameHints":["Git","\n"]}`, 'either'],
  ['escape in the time value', String.raw`{${C},"createdAt":"2026-11-24T10:00:00\u005a"}`, 'either'],
  // Control characters: refused inside strings, allowed between tokens.
  ['raw tab inside a string', `{${C},"note":"a\tb"}`, 'undefined'],
  ['raw U+0001 inside a string', `{${C},"note":"a\u0001b"}`, 'undefined'],
  ['raw tab inside the query', `{"opType":"com\tmit"}`, 'undefined'],
  ['raw tab between tokens', `{${C},\t"a":1}`, 'either'],
  ['raw line feed between tokens', `{${C},\n"a":1}`, 'either'],
  ['raw DEL inside a string', `{${C},"note":"a\u007fb"}`, 'value'],
  // Whitespace.
  [
    'spaces around every token',
    ` { "opType" : "commit" , "createdAt" : 1795525260000 , "a" : [ 1 , { } ] }  `,
    'value',
  ],
  ['spaces inside the entity array', `{${C},"nameHints":[ "Git" , "x" ]}`, 'value'],
  // Numbers, valid in every form, and invalid ones.
  ...['0', '-0', '12', '-12', '1.5', '-1.5e10', '1E+2', '1e-2', '0.0', '1e400', '-1e-400'].map(
    (n): [string, string, Want] => [`number ${n}`, `{${C},"n":${n},"responseCode":${n},"ts":${n}}`, 'value'],
  ),
  ...['01', '-01', '00', '1.', '.5', '-', '1e', '1e+', '+1', '0x10', 'NaN', 'Infinity', '1.e5', '--1'].map(
    (n): [string, string, Want] => [`invalid number ${n}`, `{${C},"n":${n}}`, 'undefined'],
  ),
  ['invalid number in the time field', `{${C},"createdAt":01}`, 'undefined'],
  // Literals.
  ['true, false and null elsewhere', `{${C},"a":true,"b":false,"c":null,"d":[true,null]}`, 'value'],
  [
    'literals in the fields it reads',
    `{${C},"createdAt":null,"responseCode":true,"userEmail":null,"nameHints":false}`,
    'value',
  ],
  ...['tru', 'nul', 'fals', 'True', 'NULL', 'truee', 'nulll', 'falsey'].map((w): [string, string, Want] => [
    `misspelt literal ${w}`,
    `{${C},"a":${w}}`,
    'undefined',
  ]),
  // Broken structure.
  ['trailing comma in the record', `{${C},}`, 'undefined'],
  ['trailing comma in an array', `{${C},"a":[1,]}`, 'undefined'],
  ['trailing comma in an object', `{${C},"a":{"b":1,}}`, 'undefined'],
  ['leading comma', `{,${C}}`, 'undefined'],
  ['missing colon', '{"opType" "commit"}', 'undefined'],
  ['key without a value', `{${C},"a"}`, 'undefined'],
  ['missing comma', `{${C} "a":1}`, 'undefined'],
  ['unquoted key', `{${C},a:1}`, 'undefined'],
  ['single-quoted string', `{${C},"a":'x'}`, 'undefined'],
  ['unterminated record', `{${C}`, 'undefined'],
  ['unterminated string', '{"opType":"commit', 'undefined'],
  ['unbalanced brackets', `{${C},"a":[1}}`, 'undefined'],
  ['trailing garbage', '{"opType":"a"} x', 'undefined'],
  ['a second object after it', '{"opType":"a"}{}', 'undefined'],
  ['an extra closing brace', '{"opType":"a"}}', 'undefined'],
  ['a trailing comma after it', '{"opType":"a"},', 'undefined'],
  ['empty object', '{}', 'undefined'],
  ['empty object with spaces', '{ }', 'undefined'],
  ['empty line', '', 'undefined'],
  ['spaces only', '   ', 'undefined'],
  // Not one event.
  ['array of events', `[{${C}}]`, 'undefined'],
  ['a string', '"commit"', 'undefined'],
  ['a number', '1', 'undefined'],
  ['null', 'null', 'undefined'],
  ['events wrapper', `{"events":[{${C}}]}`, 'undefined'],
  ['data wrapper', `{"data":[{${C}}]}`, 'undefined'],
  ['Records wrapper after other fields', `{"exportedBy":"x","Records":[{${C}}]}`, 'undefined'],
  ['an event carrying a data array', `{${C},"data":[1,2]}`, 'either'],
  ['a data array before the query', `{"data":[1],${C}}`, 'either'],
  ['a wrapper key holding no array', `{"events":1,${C}}`, 'value'],
  ['a wrapper key in other letter case', `{"Events":[1],${C}}`, 'value'],
  // Duplicate keys: JSON.parse keeps the last value, at the first key's position.
  ['opType twice', '{"opType":"commit","opType":"checkout"}', 'either'],
  ['opType and OPTYPE', '{"opType":"commit","OPTYPE":"checkout"}', 'either'],
  ['time twice', `{"createdAt":1,${C},"createdAt":1795525260000}`, 'either'],
  ['user twice', `{${C},"userEmail":"a@x","userEmail":"b@x"}`, 'either'],
  ['entity twice', `{"nameHints":["A"],${C},"NameHints":[]}`, 'either'],
  ['outcome twice', `{${C},"status":200,"status":500}`, 'either'],
  ['an ignored key twice', `{${C},"x":1,"x":2}`, 'value'],
  // Query aliases: the best-ranked one with a usable name wins, whatever the order.
  ['operationName before opType', '{"operationName":"checkout","opType":"commit"}', 'value'],
  ['opType before operationName', '{"opType":"commit","operationName":"checkout"}', 'value'],
  ['action, then eventName', '{"action":"checkout","eventName":"commit"}', 'value'],
  ['an unusable opType, then action', '{"opType":"POST /x","action":"commit"}', 'value'],
  ['a GraphQL document in query', '{"query":"query GetX { a }","action":"commit"}', 'value'],
  ['a GraphQL selection in query', '{"query":"{ foo }"}', 'value'],
  ['a mutation with variables', '{"query":"mutation ($p: ID) { releaseProject(id: $p) { id } }"}', 'value'],
  ['an empty opType, then action', '{"opType":"","action":"commit"}', 'value'],
  ['a numeric opType, then action', '{"opType":123,"action":"commit"}', 'value'],
  ['opType padded with spaces', '{"opType":"  commit  "}', 'value'],
  ['opType of spaces only', '{"opType":"   "}', 'undefined'],
  ['opType null', '{"opType":null}', 'undefined'],
  ['opType an array', '{"opType":["commit"]}', 'undefined'],
  ['opType an object', '{"opType":{"name":"commit"}}', 'undefined'],
  ['non-ASCII opType', '{"opType":"发布"}', 'undefined'],
  ['no query at all', '{"createdAt":1795525260000,"userEmail":"a@b"}', 'undefined'],
  // Entities: a string or an array's first element; otherwise inferred from the catalog.
  ['entity as a string', `{${C},"entity":"Git"}`, 'value'],
  ['entity padded with spaces', `{${C},"entity":"  Git  "}`, 'value'],
  ['entity of spaces only', `{${C},"entity":"  "}`, 'value'],
  ['entity []', `{${C},"nameHints":[]}`, 'value'],
  ['entity ["x"]', `{${C},"nameHints":["x"]}`, 'value'],
  ['entity ["x", [1]]', `{${C},"nameHints":["x",[1]]}`, 'value'],
  ['entity [["x"]]', `{${C},"nameHints":[["x"]]}`, 'either'],
  ['entity [1]', `{${C},"nameHints":[1]}`, 'value'],
  ['entity [{}]', `{${C},"nameHints":[{}]}`, 'value'],
  ['entity as an object', `{${C},"nameHints":{"a":"Git"}}`, 'value'],
  ['entity as a number', `{${C},"entity":7}`, 'value'],
  ['entity missing, inferred from releaseProject', '{"opType":"releaseProject"}', 'value'],
  ['entity missing, unknown query', '{"opType":"zzNotInTheCatalog"}', 'value'],
  ['best-ranked entity alias wins even when empty', `{"entity":"A",${C},"nameHints":[]}`, 'value'],
  ['entity aliases in either order', `{"entityType":"B","entity":"A",${C}}`, 'value'],
  ['non-ASCII entity', `{${C},"nameHints":["Projekt ü 🚀"]}`, 'value'],
  // Users: every alias, in preference order.
  ['user as a string', `{${C},"userEmail":"a@b"}`, 'value'],
  ['user as a number', `{${C},"userId":42}`, 'value'],
  ['user as a negative fraction', `{${C},"uid":-1.5e3}`, 'value'],
  ['user as an empty string', `{${C},"userEmail":""}`, 'value'],
  ['user as a space', `{${C},"userEmail":" "}`, 'value'],
  ['user as true, null or an array', `{${C},"user":true,"uid":null,"email":["a@b"]}`, 'value'],
  ['an actor object', `{${C},"actor":{"email":"a@b"}}`, 'either'],
  ['a user object with aliases inside', `{${C},"user":{"userId":"u-1","email":"a@b"},"uid":"u-1"}`, 'either'],
  [
    'several user aliases out of order',
    `{"uid":"u1","actor":"act",${C},"email":"e@x","userEmail":"a@b"}`,
    'value',
  ],
  ['user aliases in other letter case', `{${C},"USEREMAIL":"a@b","Uid":7}`, 'value'],
  // Outcomes.
  ['outcome 200', `{${C},"responseCode":200}`, 'value'],
  ['outcome 500', `{${C},"responseCode":500}`, 'value'],
  ['outcome "ERROR"', `{${C},"status":"ERROR"}`, 'value'],
  ['outcome ""', `{${C},"status":""}`, 'value'],
  ['outcome "503"', `{${C},"status":"503"}`, 'value'],
  ['outcome null', `{${C},"status":null}`, 'value'],
  ['outcome as an object', `{${C},"status":{"code":500}}`, 'value'],
  ['status before responseCode', `{"status":"ok",${C},"responseCode":500}`, 'value'],
  // Times.
  ['time in epoch ms', `{${C},"createdAt":1795525260000}`, 'value'],
  ['time in epoch seconds', `{${C},"ts":1795525260}`, 'value'],
  ['time in fractional epoch seconds', `{${C},"ts":1795525260.25}`, 'value'],
  ['time as a numeric string', `{${C},"time":"1795525260123"}`, 'value'],
  ['time as ISO', `{${C},"timestamp":"2026-11-24T10:00:00Z"}`, 'value'],
  ['time as zone-less ISO', `{${C},"timestamp":"2026-11-24T10:00:00"}`, 'value'],
  ['time as an impossible date', `{${C},"timestamp":"2026-02-30T10:00:00Z"}`, 'value'],
  ['time bogus', `{${C},"timestamp":"yesterday-ish"}`, 'value'],
  ['time empty', `{${C},"timestamp":""}`, 'value'],
  ['time zero or negative', `{${C},"createdAt":-5,"ts":0}`, 'value'],
  ['time as an array', `{${C},"createdAt":[1795525260000]}`, 'value'],
  ['ts before createdAt', `{"ts":1,${C},"createdAt":1795525260000}`, 'value'],
  // Nesting at the depth cap (the record itself is level 1).
  ['nested arrays 255 levels deep', nested(255, '[', ']'), 'value'],
  ['nested arrays 256 levels deep', nested(256, '[', ']'), 'value'],
  ['nested arrays 257 levels deep', nested(257, '[', ']'), 'undefined'],
  ['nested objects 256 levels deep', `{${C},"p":${'{"a":'.repeat(255)}1${'}'.repeat(255)}}`, 'value'],
  ['nested objects 257 levels deep', `{${C},"p":${'{"a":'.repeat(256)}1${'}'.repeat(256)}}`, 'undefined'],
  ['empty object at level 257', `{${C},"p":${'['.repeat(255)}{}${']'.repeat(255)}}`, 'undefined'],
  ['nesting 5,000 levels deep', nested(5000, '[', ']'), 'undefined'],
  // Text.
  ['a BOM at the start', `\ufeff{${C}}`, 'undefined'],
  ['non-ASCII text', `{${C},"userEmail":"李雷@acme.io","note":"发布 🚀"}`, 'value'],
  ['a lone surrogate as an escape', String.raw`{${C},"note":"\ud800"}`, 'value'],
  ['a lone surrogate as an escape in the user', String.raw`{${C},"userEmail":"\udc00"}`, 'either'],
  ['a raw lone surrogate in the user', `{${C},"userEmail":"\ud800x"}`, 'value'],
  ['line separator characters', `{${C},"note":"\u2028\u2029"}`, 'value'],
  // Keys that mean something to a plain JavaScript object.
  ['__proto__ holding an object with a query', `{"__proto__":{"opType":"x"},${C}}`, 'value'],
  ['__proto__ holding an array', `{"__proto__":[1],${C}}`, 'value'],
  ['__proto__ holding a query name', '{"__proto__":"commit"}', 'undefined'],
  ['constructor and toString', `{"constructor":1,"toString":"x","hasOwnProperty":{},${C}}`, 'value'],
];

describe('lineFacts: crafted lines', () => {
  it.each(CASES)('%s', (_name, line, want) => {
    expectContract(line);
    expectContract(line, NO_FACTS);
    const got = lineFacts(line);
    if (want === 'value') expect(got).toBeDefined();
    if (want === 'undefined') expect(got).toBeUndefined();
  });

  it('reads the fields it models the way readFacts does, not merely consistently', () => {
    // The oracle could share a mistake with the fast path (both use queryName/entityName): pin a few answers.
    expect(lineFacts('{"operationName":"checkout","opType":"commit"}')?.query).toBe('commit');
    expect(lineFacts('{"query":"query GetX { a }","action":"commit"}')?.query).toBe('GetX');
    expect(lineFacts('{"opType":"releaseProject"}')).toMatchObject({
      entity: 'Project',
      entityInferred: true,
    });
    expect(lineFacts(`{"entity":"A",${C},"nameHints":[]}`)).toMatchObject({
      entity: 'Git',
      entityInferred: true,
    });
    expect(lineFacts(`{${C},"nameHints":[ "Git" , "x" ]}`)).toMatchObject({
      entity: 'Git',
      entityInferred: false,
    });
    expect(lineFacts(`{"uid":"u1","actor":"act",${C},"email":"e@x","userEmail":"a@b"}`)?.users).toEqual([
      'a@b',
      'e@x',
      'u1',
      'act',
    ]);
    expect(lineFacts(`{${C},"userId":42,"userEmail":""}`)).toMatchObject({ users: ['42'], user: '42' });
    expect(lineFacts(`{"status":"ok",${C},"responseCode":500}`)).toMatchObject({
      outcome: 500,
      failed: true,
    });
    expect(lineFacts(`{${C},"status":"ERROR"}`)).toMatchObject({ outcome: 'ERROR', failed: true });
    expect(lineFacts(`{${C},"status":""}`)).toMatchObject({ outcome: undefined, failed: false });
    expect(lineFacts(`{${C},"ts":1795525260}`)?.timeMs).toBe(1795525260000);
    expect(lineFacts(`{${C},"timestamp":"2026-11-24T10:00:00"}`)?.timeMs).toBe(Date.UTC(2026, 10, 24, 10));
    expect(lineFacts(`{"ts":1,${C},"createdAt":1795525260000}`)?.timeMs).toBe(1795525260000);
  });

  it('does not take a key for the previous line’s key of the same length at the same position', () => {
    // Keys are recognised by comparing them with the previous line's, in place: only an exact match may count.
    expect(lineFacts(`{${C},"status":500}`)?.outcome).toBe(500);
    expect(lineFacts(`{${C},"statuz":500}`)?.outcome).toBeUndefined();
    expect(lineFacts(`{${C},"STATUS":404}`)?.outcome).toBe(404);
    expect(lineFacts('{"opTypf":"commit","action":"checkout"}')?.query).toBe('checkout');
    expect(lineFacts('{"opType":"commit","action":"checkout"}')?.query).toBe('commit');
  });
});

/** Every JSON Lines object of the synthetic export in each record style. */
function generatorLines(): Map<RecordStyle, string[]> {
  const byStyle = new Map<RecordStyle, string[]>();
  const opts = { seed: 42, start: '2026-06-01T00:00:00Z', hours: 1, eventsPerObject: 150 };
  for (let i = 0; byStyle.size < 4; i++) {
    const v = variantFor(i, 'mixed');
    if (v.shape !== 'jsonl' || byStyle.has(v.style)) continue;
    byStyle.set(v.style, linesOf(bodyText(generateObject(opts, i).body)));
  }
  return byStyle;
}

describe('lineFacts on the synthetic export', () => {
  it('reads (nearly) every line of the native export, each exactly as the parse would', () => {
    const lines = [
      ...generateExport({
        seed: 42,
        start: '2026-06-01T00:00:00Z',
        hours: 2,
        eventsPerObject: 200,
        variety: 'jsonl-gz',
        prefix: 'audit/',
      }),
    ].flatMap((o) => linesOf(gunzipSync(o.body).toString()));
    expect(lines).toHaveLength(400);
    const read = lines.filter((l) => lineFacts(l) !== undefined).length;
    // Declining ordinary lines would leave --count parsing them all: the shortcut would be useless.
    expect(read / lines.length).toBeGreaterThanOrEqual(0.99);
    for (const l of lines) expectContract(l);
  });

  it('reads the other field spellings as the parse would, the flat ones (nearly) all', () => {
    for (const [style, lines] of generatorLines()) {
      for (const l of lines) expectContract(l);
      const read = lines.filter((l) => lineFacts(l) !== undefined).length / lines.length;
      // The generic spelling nests the user ({"user":{"email":…}}): declining those is allowed.
      if (style !== 'generic') expect(read, style).toBeGreaterThanOrEqual(0.99);
    }
  });
});

/** Lines to mutate: the generator's (every style and shape, fragments of pretty-printed ones included), the fixtures, the table. */
function seedLines(): string[] {
  const out: string[] = [];
  for (const lines of generatorLines().values()) out.push(...lines.slice(0, 40));
  const small = { seed: 7, start: '2026-06-01T00:00:00Z', hours: 1, eventsPerObject: 3 };
  for (let i = 0; i < 8; i++) out.push(...linesOf(bodyText(generateObject(small, i).body)).slice(0, 12));
  const fixtures = new URL('../fixtures/events/', import.meta.url);
  for (const f of [
    'audit/2026/11/24/13/events.jsonl',
    'audit/2026/11/24/14/events.jsonl.gz',
    'exports/2026-11-25/batch.json',
  ])
    out.push(...linesOf(bodyText(readFileSync(new URL(f, fixtures)))));
  out.push(
    JSON.stringify(JSON.parse(readFileSync(new URL('exports/2026-11-25/batch.json', fixtures), 'utf8'))),
  );
  for (const [, line] of CASES) if (line.length < 2000) out.push(line);
  return out;
}

const NEEDS: FactNeeds[] = [
  ALL_FACTS,
  NO_FACTS,
  { time: true, users: false, outcome: false },
  { time: false, users: true, outcome: true },
];

describe('lineFacts under random mutation', () => {
  it('never disagrees with JSON.parse + readFacts on mutated export lines', { timeout: 20_000 }, () => {
    const seeds = seedLines();
    const r = rng(20261127);
    const failures: string[] = [];
    let read = 0;
    let parsed = 0;
    const N = 20_000;
    for (let n = 0; n < N; n++) {
      const original = seeds[Math.floor(r() * seeds.length)] as string;
      const need = NEEDS[n % NEEDS.length] as FactNeeds;
      // The unmutated line first: what lineFacts learns from one line (its keys, in order) must not carry
      // over to a mutant of it that keeps most of them.
      lineFacts(original, need);
      const line = mutate(original, r);
      const c = check(line, need);
      if (c.why !== undefined && failures.length < 5)
        failures.push(
          `${JSON.stringify(line)} after ${JSON.stringify(original)} (need ${JSON.stringify(need)}): ${c.why}`,
        );
      if (c.read) read++;
      try {
        JSON.parse(line);
        parsed++;
      } catch {
        // most mutations break the JSON: those lines must be declined
      }
    }
    expect(failures).toEqual([]);
    // A run where every mutant was declined (or none parsed) would prove nothing.
    expect(read).toBeGreaterThan(N / 10);
    expect(parsed).toBeGreaterThan(read);
  });

  it('never disagrees with it on mutants of a line read hundreds of times before', {
    timeout: 20_000,
  }, async () => {
    // What a reader may learn from an export's repeated layout is put to the test: each batch starts a
    // newly loaded module on one clean line, read as often as a busy hour repeats it, then its mutants.
    const all = [...generatorLines().values()].flat();
    const r = rng(4242);
    const failures: string[] = [];
    let read = 0;
    for (let batch = 0; batch < 40; batch++) {
      const facts = await freshLineFacts();
      const need = NEEDS[batch % NEEDS.length] as FactNeeds;
      let original = all[Math.floor(r() * all.length)] as string;
      while (facts(original, need) === undefined) original = all[Math.floor(r() * all.length)] as string;
      for (let i = 0; i < 300; i++) facts(original, need);
      for (let m = 0; m < 40; m++) {
        const line = mutate(original, r);
        const c = check(line, need, facts);
        if (c.why !== undefined && failures.length < 5)
          failures.push(
            `${JSON.stringify(line)} after ${JSON.stringify(original)} (need ${JSON.stringify(need)}): ${c.why}`,
          );
        if (c.read) read++;
        facts(original, need);
      }
    }
    expect(failures).toEqual([]);
    expect(read).toBeGreaterThan(40 * 40 * 0.1);
  });
});

describe('lineFacts on lines with the same keys as many before them', () => {
  // Export lines repeat their keys in the same order, so a reader may come to recognise lines by the
  // layout of those before: after hundreds of clean lines, every field given every awkward value must
  // still be read as the parse reads it.
  const FIELDS = [
    'opType',
    'createdAt',
    'nameHints',
    'userEmail',
    'responseCode',
    'requestParams',
    'customerName',
  ];
  const CLEAN: Record<string, string> = {
    opType: '"commit"',
    createdAt: '1795525260000',
    nameHints: '["Git"]',
    userEmail: '"a@b.c"',
    responseCode: '200',
    requestParams: '{"branch":"main","n":"[1,2]"}',
    customerName: '"acme"',
  };
  const line = (over: Record<string, string> = {}, sep = ',') =>
    `{${FIELDS.map((k) => `"${k}":${over[k] ?? CLEAN[k]}`).join(sep)}}`;
  const VALUES = [
    '"checkout"',
    String.raw`"c\u006fmmit"`,
    String.raw`"a\\b"`,
    String.raw`"a\"b"`,
    String.raw`"\ud800"`,
    String.raw`"\x"`,
    '"\ud800"',
    '"a\tb"',
    '""',
    '"  "',
    '"ERROR"',
    '"2026-11-24T10:00:00Z"',
    '"1795525260"',
    '"query GetX { a }"',
    '[]',
    '["x"]',
    '[ "x" ]',
    '[["x"]]',
    String.raw`["\u0041"]`,
    '[1]',
    '[{"a":1}]',
    '{"a":{"b":[1]}}',
    '[[[[[1]]]]]',
    `${'['.repeat(255)}${']'.repeat(255)}`,
    `${'['.repeat(256)}${']'.repeat(256)}`,
    '{}',
    '{"email":"x@y"}',
    '{"events":[1]}',
    'null',
    'true',
    'nul',
    '0',
    '-0',
    '500',
    '-1.5e3',
    '1e400',
    '01',
    '1.',
    '"unterminated',
  ];

  let facts: typeof lineFacts;
  beforeEach(async () => {
    facts = await freshLineFacts();
  });

  /** An export's worth of clean lines with these keys, each read. */
  const warmUp = (need: FactNeeds) => {
    for (let i = 0; i < 500; i++) {
      const l = line({ createdAt: String(1795525260000 + i), userEmail: `"u${i % 7}@x"` });
      expect(check(l, need, facts)).toEqual({ read: true });
    }
  };

  it.each(FIELDS)('%s: any value, after hundreds of clean lines with the same keys', (field) => {
    for (const need of NEEDS) {
      warmUp(need);
      for (const v of VALUES) {
        expect(check(line(), need, facts)).toEqual({ read: true });
        expectContract(line({ [field]: v }), need, facts);
      }
      // The same keys spaced out, in another letter case, repeated, or followed by something.
      for (const variant of [
        line({}, ', '),
        line().replace(`"${field}"`, `"${field.toUpperCase()}"`),
        line().replace(/}$/, `,"${field}":${CLEAN[field]}}`),
        line().replace('{', `{"${field}":"zz",`),
        `${line()} `,
        ` ${line()}`,
        `${line()}x`,
        `${line()}{}`,
        `${line()}\n`,
        line().slice(0, -1),
        line().slice(1),
      ]) {
        expect(check(line(), need, facts)).toEqual({ read: true });
        expectContract(variant, need, facts);
      }
    }
  });

  // A pattern per key list grows with the number of keys: a wide record must neither make the pattern too
  // large to compile (an exception would end the count) nor take long to compile (an earlier version spent
  // a minute on 200 keys; the timeout is the guard, speed itself is measured in bench/).
  it('reads records of any width, or declines them, without an exception', { timeout: 15_000 }, () => {
    for (const width of [8, 64, 65, 150, 1000]) {
      const wide = (i: number) =>
        `{"opType":"commit",${Array.from({ length: width - 1 }, (_, k) => `"k${k}":${i + k}`).join(',')}}`;
      for (let i = 0; i < 300; i++) expectContract(wide(i), ALL_FACTS, facts);
      expect(facts(wide(300))).toBeDefined();
    }
  });
});

describe('lineFacts: the facts a reader needs', () => {
  const line =
    '{"opType":"releaseProject","createdAt":1795525620000,"userEmail":"alice@acme.io","uid":7,' +
    '"responseCode":500,"requestParams":{"projectID":"12"}}';

  it('reads every fact by default (all but params)', () => {
    expect(lineFacts(line)).toStrictEqual({
      query: 'releaseProject',
      entity: 'Project',
      entityInferred: true,
      timeMs: 1795525620000,
      users: ['alice@acme.io', '7'],
      user: 'alice@acme.io',
      outcome: 500,
      failed: true,
      params: undefined,
    });
    expect(lineFacts(line, ALL_FACTS)).toStrictEqual(lineFacts(line));
  });

  it('leaves out what is not needed, and still names the query and entity', () => {
    expect(lineFacts(line, NO_FACTS)).toStrictEqual({
      query: 'releaseProject',
      entity: 'Project',
      entityInferred: true,
      timeMs: undefined,
      users: [],
      user: undefined,
      outcome: undefined,
      failed: false,
      params: undefined,
    });
  });

  it.each([
    [{ time: true, users: false, outcome: false }],
    [{ time: false, users: true, outcome: false }],
    [{ time: false, users: false, outcome: true }],
  ])('reads only what %j asks for', (need) => {
    const full = lineFacts(line) as EventFacts;
    const got = lineFacts(line, need) as EventFacts;
    expect(got.timeMs).toBe(need.time ? full.timeMs : undefined);
    expect(got.users).toEqual(need.users ? full.users : []);
    expect(got.user).toBe(need.users ? full.user : undefined);
    expect([got.outcome, got.failed]).toEqual(
      need.outcome ? [full.outcome, full.failed] : [undefined, false],
    );
    expect([got.query, got.entity, got.entityInferred]).toEqual([
      full.query,
      full.entity,
      full.entityInferred,
    ]);
    expectContract(line, need);
  });
});
