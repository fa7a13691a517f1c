/**
 * A deterministic (seeded) generator of synthetic Prophecy audit exports, for tests, the benchmark and
 * the demo: every catalog query, several users, hourly objects with dates in their keys, spread over
 * time, in every shape, encoding and field spelling `events query` accepts. Next to each object it
 * returns the "truth" (what each record says, in plain fields) so callers can compute expected answers
 * without the reader under test.
 */
import { gzipSync } from 'node:zlib';
import { CATALOG_ROWS, type CatalogRow } from '../core/catalog-data.js';

export interface TruthEvent {
  entity: string;
  query: string;
  email: string;
  timeMs: number;
  responseCode: number;
  params: Record<string, unknown>;
}

export type RecordStyle = 'prophecy' | 'generic' | 'trail' | 'graphql';
export type ObjectShape = 'jsonl' | 'array' | 'array-pretty' | 'events' | 'records' | 'Records' | 'data';
export type ObjectEncoding = 'gzip' | 'gzip-no-suffix' | 'plain';

export interface SyntheticObject {
  key: string;
  body: Buffer;
  /** When the object "arrived": the end of its hour plus five minutes (used as file mtime). */
  mtimeMs: number;
  shape: ObjectShape;
  encoding: ObjectEncoding;
  style: RecordStyle;
  truth: TruthEvent[];
}

export interface GenerateOptions {
  seed?: number;
  /** First hour (ISO or epoch ms); it is rounded down to the hour. */
  start: string | number;
  /** Number of hourly objects. */
  hours: number;
  /** Records per object. */
  eventsPerObject: number;
  /** 'mixed' rotates shapes, encodings, key layouts and field spellings; 'jsonl-gz' is the plain native export. */
  variety?: 'mixed' | 'jsonl-gz';
  prefix?: string;
}

export const USERS = [
  'alice@acme.io',
  'bob@acme.io',
  'carol@partner.example',
  'dave@acme.io',
  'release-bot@acme.io',
] as const;

const HOUR = 3_600_000;

/** mulberry32: small, fast, good enough for synthetic data, and the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const hex = (r: Rand, n: number) =>
  Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

function paramValue(r: Rand, name: string): unknown {
  const n = name.toLowerCase();
  if (n.includes('password')) return `S3cret-${hex(r, 6)}`;
  if (n === 'statuses') return ['Success', 'Failed'];
  if (n.endsWith('list') || n === 'names' || n === 'emails' || n.startsWith('udfs.') || n === 'uids')
    return [`item-${hex(r, 3)}`, `item-${hex(r, 3)}`];
  if (n.includes('uid') || n.endsWith('id')) return String(1000 + Math.floor(r() * 9000));
  if (n.includes('branch')) return pick(r, ['main', 'develop', `feature/${hex(r, 4)}`]);
  if (n === 'version' || n === 'releasetag') return `1.${Math.floor(r() * 10)}.${Math.floor(r() * 20)}`;
  if (n === 'message') return pick(r, ['Fix the join', 'Add tests', 'Release notes']);
  if (n === 'language') return pick(r, ['python', 'scala', 'sql']);
  if (n.startsWith('do') || n.includes('enabled') || n.includes('allowed') || n.includes('check'))
    return pick(r, [true, false]);
  if (n === 'commithash') return hex(r, 12);
  return `${name}-${hex(r, 4)}`;
}

/** Prophecy's export keeps parameter values as strings, JSON-encoding the ones that are not. */
function prophecyParams(r: Rand, params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') out[k] = r() < 0.2 ? JSON.stringify(v) : v;
    else out[k] = JSON.stringify(v);
  }
  return out;
}

function recordFor(r: Rand, style: RecordStyle, t: TruthEvent): Record<string, unknown> {
  const iso = new Date(t.timeMs).toISOString();
  switch (style) {
    case 'prophecy':
      return {
        opType: t.query,
        createdAt: t.timeMs,
        nameHints: [t.entity],
        userEmail: t.email,
        customerName: 'acme',
        responseCode: t.responseCode,
        requestParams: prophecyParams(r, t.params),
        latencyInMillis: 5 + Math.floor(r() * 200),
      };
    case 'generic':
      return {
        timestamp: iso,
        entity: t.entity,
        query: t.query,
        user: { email: t.email, name: t.email.split('@')[0] },
        params: t.params,
        status: t.responseCode,
      };
    case 'trail':
      // No entity: the reader infers it from the catalog by query name.
      return {
        eventTime: iso,
        eventName: t.query,
        actor: t.email,
        requestParameters: JSON.stringify(t.params),
        responseCode: String(t.responseCode),
        requestId: hex(r, 16),
      };
    case 'graphql':
      return {
        ts: Math.floor(t.timeMs / 1000),
        operationName: t.query,
        entityType: t.entity,
        email: t.email,
        variables: t.params,
        status: t.responseCode,
      };
  }
}

interface Variant {
  shape: ObjectShape;
  encoding: ObjectEncoding;
  style: RecordStyle;
}

// Every shape meets every encoding and every field spelling over a run of 8 × 3 hours.
const SHAPES: ObjectShape[] = [
  'jsonl',
  'array',
  'events',
  'records',
  'Records',
  'data',
  'array-pretty',
  'jsonl',
];
const ENCODINGS: ObjectEncoding[] = ['gzip', 'plain', 'gzip-no-suffix'];
const STYLES: RecordStyle[] = ['prophecy', 'generic', 'trail', 'graphql'];

export function variantFor(index: number, variety: 'mixed' | 'jsonl-gz'): Variant {
  if (variety === 'jsonl-gz') return { shape: 'jsonl', encoding: 'gzip', style: 'prophecy' };
  return {
    shape: SHAPES[index % SHAPES.length] as ObjectShape,
    encoding: ENCODINGS[Math.floor(index / SHAPES.length) % ENCODINGS.length] as ObjectEncoding,
    style: STYLES[(index + Math.floor(index / 24)) % STYLES.length] as RecordStyle,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

function keyFor(prefix: string, hourMs: number, v: Variant, index: number, variety: string): string {
  const d = new Date(hourMs);
  const [y, m, day, h] = [
    d.getUTCFullYear(),
    pad(d.getUTCMonth() + 1),
    pad(d.getUTCDate()),
    pad(d.getUTCHours()),
  ];
  const ext = v.shape === 'jsonl' ? 'jsonl' : 'json';
  const gz = v.encoding === 'gzip' ? '.gz' : '';
  if (variety === 'jsonl-gz') return `${prefix}${y}/${m}/${day}/${h}/events-${y}${m}${day}${h}.jsonl.gz`;
  switch (index % 3) {
    case 0:
      return `${prefix}${y}/${m}/${day}/${h}/events.${ext}${gz}`;
    case 1:
      return `${prefix}dt=${y}-${m}-${day}/hour=${h}/part-${pad(index % 100)}.${ext}${gz}`;
    default:
      return `${prefix}${y}-${m}-${day}/audit-${h}.${ext}${gz}`;
  }
}

function render(records: Record<string, unknown>[], shape: ObjectShape): string {
  switch (shape) {
    case 'jsonl':
      return records.map((x) => `${JSON.stringify(x)}\n`).join('');
    case 'array':
      return JSON.stringify(records);
    case 'array-pretty':
      return `${JSON.stringify(records, null, 2)}\n`;
    default:
      // Wrapper objects: compact on one line for `events`/`records`, pretty-printed for the others.
      return shape === 'events' || shape === 'records'
        ? `${JSON.stringify({ [shape]: records, exportedBy: 'prophecy' })}\n`
        : `${JSON.stringify({ exportedBy: 'prophecy', [shape]: records }, null, 2)}\n`;
  }
}

function truthFor(r: Rand, hourMs: number): TruthEvent {
  const row: CatalogRow = pick(r, CATALOG_ROWS);
  const params: Record<string, unknown> = {};
  for (const p of row.requestParameters) params[p] = paramValue(r, p);
  const roll = r();
  return {
    entity: row.entity,
    query: row.query,
    email: pick(r, USERS),
    timeMs: hourMs + Math.floor(r() * HOUR),
    responseCode: roll < 0.9 ? 200 : roll < 0.94 ? 403 : roll < 0.97 ? 400 : 500,
    params,
  };
}

/** One object of the export (objects are independent: any index can be generated on its own). */
export function generateObject(opts: GenerateOptions, index: number): SyntheticObject {
  const variety = opts.variety ?? 'mixed';
  const start = Math.floor(new Date(opts.start).getTime() / HOUR) * HOUR;
  const hourMs = start + index * HOUR;
  const r = rng(((opts.seed ?? 1) * 1_000_003 + index) | 0);
  const v = variantFor(index, variety);
  const truth = Array.from({ length: opts.eventsPerObject }, () => truthFor(r, hourMs)).sort(
    (a, b) => a.timeMs - b.timeMs,
  );
  // This spelling records epoch seconds: the truth is what the record says.
  if (v.style === 'graphql') for (const t of truth) t.timeMs = Math.floor(t.timeMs / 1000) * 1000;
  const text = render(
    truth.map((t) => recordFor(r, v.style, t)),
    v.shape,
  );
  const body = v.encoding === 'plain' ? Buffer.from(text) : gzipSync(text, { level: 6 });
  return {
    key: keyFor(opts.prefix ?? '', hourMs, v, index, variety),
    body,
    mtimeMs: hourMs + HOUR + 5 * 60_000,
    ...v,
    truth,
  };
}

export function* generateExport(opts: GenerateOptions): Generator<SyntheticObject> {
  for (let i = 0; i < opts.hours; i++) yield generateObject(opts, i);
}
