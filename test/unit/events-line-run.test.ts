import v8 from 'node:v8';
import vm from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import type { EventFacts } from '../../src/core/event.js';
import { EventCounter } from '../../src/events/count.js';
import type { FactNeeds } from '../../src/events/line-facts.js';
import { readFacts } from '../../src/events/normalize.js';
import { RecordScanner, type ScanLimits } from '../../src/events/scan.js';
import { generateExport, rng } from '../../src/synthetic/export.js';
import { factsFor } from '../helpers/facts-need.js';
import { mutate } from '../helpers/json-mutate.js';

/*
 * A count reads runs of JSON Lines straight out of each decoded chunk (readLineRun) once the lines' keys
 * repeat. Whatever the text and however it is cut into chunks, the scanner must report exactly what the
 * ordinary path reports: the same facts at the same line numbers, the same bad lines, the same skips.
 * The oracle is the scanner without any shortcut (JSON.parse, then readFacts).
 */

const NEEDS: FactNeeds[] = [
  { time: false, users: false, outcome: false },
  { time: true, users: true, outcome: true },
  { time: true, users: false, outcome: false },
];

type Seen = string[];

/** What a reader would see, as comparable lines: facts by line number, bad lines, skipped counts. */
function scan(text: string, cuts: number[], limits: ScanLimits, need: FactNeeds): Seen {
  const seen: Seen = [];
  const show = (line: number, f: EventFacts | undefined) => {
    if (f === undefined) return seen.push(`${line} no query`);
    const shown = factsFor(f, need);
    return seen.push(`${line} ${JSON.stringify(shown)}`);
  };
  const scanner = new RecordScanner(
    {
      record: (r, line) => show(line, readFacts(r)),
      ...(limits.lineFacts ? { facts: (f: EventFacts, line: number) => show(line, f) } : {}),
      skipped: (n) => seen.push(`skipped ${n}`),
      bad: (line, reason) => seen.push(`${line} bad: ${reason}`),
    },
    undefined,
    limits,
  );
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    if (cut <= at) continue;
    scanner.push(text.slice(at, cut));
    at = cut;
  }
  scanner.end();
  return seen;
}

/** A newly loaded line-facts module (it learns templates from the lines it reads), wired as the reader does. */
async function shortcut(need: FactNeeds, maxRecordChars?: number) {
  vi.resetModules();
  const m = await import('../../src/events/line-facts.js');
  let runLines = 0;
  const limits: ScanLimits = {
    lineFacts: (line) => m.lineFacts(line, need),
    lineRun: (text, from, max, onFacts) =>
      m.readLineRun(text, from, max, need, (f) => {
        runLines++;
        onFacts(f);
      }),
    ...(maxRecordChars === undefined ? {} : { maxRecordChars }),
  };
  return { limits, runLines: () => runLines };
}

function exportLines(hours: number, perObject: number): string[] {
  return [
    ...generateExport({
      seed: 42,
      start: '2026-06-01T00:00:00Z',
      hours,
      eventsPerObject: perObject,
      variety: 'jsonl-gz',
      prefix: 'audit/',
    }),
  ].flatMap((o) =>
    gunzipSync(o.body)
      .toString()
      .split('\n')
      .filter((l) => l !== ''),
  );
}

/** Chunk boundaries: random sizes from 1 character to a few lines, or none (the whole object at once). */
function cutsFor(length: number, r: () => number, whole: boolean): number[] {
  if (whole) return [];
  const cuts: number[] = [];
  for (let at = 0; at < length; ) {
    at += 1 + Math.floor(r() * (r() < 0.2 ? 8 : 900));
    cuts.push(at);
  }
  return cuts;
}

describe('runs of JSON Lines read in place (readLineRun)', () => {
  const clean = exportLines(3, 250);

  it('reads most lines of a native export in runs, each as the parse would', async () => {
    for (const need of NEEDS) {
      const { limits, runLines } = await shortcut(need);
      const text = `${clean.join('\n')}\n`;
      const r = rng(1);
      for (const whole of [true, false]) {
        expect(scan(text, cutsFor(text.length, r, whole), limits, need)).toEqual(scan(text, [], {}, need));
      }
      // 750 lines read whole (all but the ~100 walked while the template is learned), then 750 cut into
      // chunks of about three lines, where each line a cut falls in is read by the ordinary path.
      expect(runLines()).toBeGreaterThan(1000);
    }
  });

  it('agrees with the parse on exports with mutated, blank, CRLF and overlong lines, in any chunking', {
    timeout: 30_000,
  }, async () => {
    const failures: string[] = [];
    for (let round = 0; round < 24; round++) {
      const r = rng(9000 + round);
      const need = NEEDS[round % NEEDS.length] as FactNeeds;
      // Some rounds cap records below the longest lines, so runs meet lines that must be refused as too long.
      const max = round % 4 === 3 ? 300 : undefined;
      const { limits, runLines } = await shortcut(need, max);
      const parts: string[] = [];
      // A first line that is not JSON makes the object a document for the scanner: that is round 7's case;
      // the others keep it, so that runs are read.
      const broken = round === 7;
      for (const [i, l] of clean.entries()) {
        const x = r();
        if ((x < 0.08 && i > 0) || (broken && i === 0)) parts.push(mutate(l, r));
        else if (x < 0.1) parts.push('');
        else if (x < 0.13) parts.push(`${l}\r`);
        else if (x < 0.14) parts.push(`${l} `);
        else parts.push(l);
      }
      // With and without a final newline; one round starts with a BOM.
      let text = parts.join('\n') + (round % 2 === 0 ? '\n' : '');
      if (round === 5) text = `\ufeff${text}`;
      const want = scan(text, [], max === undefined ? {} : { maxRecordChars: max }, need);
      const whole = round % 3 === 0;
      const got = scan(text, cutsFor(text.length, r, whole), limits, need);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const i = got.findIndex((g, k) => g !== want[k]);
        failures.push(`round ${round}: first difference at ${i}: got ${got[i]}, want ${want[i]}`);
      }
      if (max === undefined && !broken)
        expect(runLines(), `round ${round}`).toBeGreaterThan(whole ? 450 : 150);
    }
    expect(failures).toEqual([]);
  });

  it('leaves an object that is one JSON document to the ordinary path', async () => {
    const need = NEEDS[0] as FactNeeds;
    const { limits } = await shortcut(need);
    // Learn the template first, as a count does on the objects before.
    const lines = `${clean.join('\n')}\n`;
    scan(lines, [], limits, need);
    const pretty = JSON.stringify(
      clean.slice(0, 20).map((l) => JSON.parse(l)),
      null,
      2,
    );
    const arrayOfLines = `[\n${clean.slice(0, 20).join(',\n')}\n]\n`;
    for (const text of [pretty, arrayOfLines, `${clean[0]}\n${pretty}`]) {
      expect(scan(text, [], limits, need)).toEqual(scan(text, [], {}, need));
      expect(scan(text, cutsFor(text.length, rng(3), false), limits, need)).toEqual(scan(text, [], {}, need));
    }
  });

  it('decides once per distinct entity and query for a plain count, not per line', async () => {
    const need = NEEDS[0] as FactNeeds;
    vi.resetModules();
    const m = await import('../../src/events/line-facts.js');
    for (const l of clean.slice(0, 200)) m.lineFacts(l, need);
    const seen: EventFacts[] = [];
    const text = `${clean.join('\n')}\n`;
    const end = m.readLineRun(text, 0, Number.POSITIVE_INFINITY, need, (f) => seen.push(f));
    expect(end).toBe(text.length);
    expect(seen).toHaveLength(clean.length);
    // Lines with the same names share one answer: the same object.
    const distinct = new Set(seen);
    const pairs = new Set(seen.map((f) => `${f.entity}\u0000${f.query}`));
    expect(distinct.size).toBe(pairs.size);
    expect(distinct.size).toBeLessThan(clean.length / 2);
  });

  it('stops before a line it must not read: no newline yet, too long, an escape in a name', async () => {
    const need = NEEDS[0] as FactNeeds;
    vi.resetModules();
    const m = await import('../../src/events/line-facts.js');
    for (const l of clean.slice(0, 200)) m.lineFacts(l, need);
    const a = clean[0] as string;
    const run = (text: string, max = Number.POSITIVE_INFINITY) => m.readLineRun(text, 0, max, need, () => {});
    expect(run(`${a}\n${a}`)).toBe(a.length + 1);
    expect(run(`${a}\n${a}\n`, a.length - 1)).toBe(0);
    expect(run(`${a}\n${a}\n`, a.length)).toBe(2 * a.length + 2);
    const escaped = a.replace(/"opType":"(\w)/, '"opType":"\\u0041$1');
    expect(escaped).not.toBe(a);
    expect(run(`${a}\n${escaped}\n${a}\n`)).toBe(a.length + 1);
  });
});

describe('what a count keeps from one object to the next', () => {
  // V8 keeps a substring of 13+ characters as a view into the string it was cut from. Names remembered
  // across objects (the run memo, the key cache, the counter's groups) must be copies, or each would keep
  // its object's whole decoded text alive, up to 4 MiB per name.
  it('keeps none of the objects’ text once they are read', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const need = NEEDS[0] as FactNeeds;
    const { limits } = await shortcut(need);
    const counter = new EventCounter();
    // Long names, new ones in every object, as a year of exports brings new queries.
    const line = (i: number) =>
      `{"opType":"aRatherLongQueryName${i}","createdAt":1795525260000,"nameHints":["ALongEntityName${i}"],"userEmail":"a@b.c"}`;
    const readObject = (k: number) => {
      const text = `${Array.from({ length: 20_000 }, (_, i) => line(k * 3 + (i % 3))).join('\n')}\n`;
      const scanner = new RecordScanner(
        {
          record: () => undefined,
          facts: (f) => counter.add(f.entity, f.query),
          skipped: () => undefined,
          bad: () => undefined,
        },
        undefined,
        limits,
      );
      scanner.push(text);
      scanner.end();
      return text.length;
    };
    readObject(0);
    gc();
    const before = process.memoryUsage().heapUsed;
    let read = 0;
    for (let k = 1; k <= 20; k++) read += readObject(k);
    gc();
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(counter.total).toBe(21 * 20_000);
    expect(counter.raw()).toHaveLength(63);
    expect(read).toBeGreaterThan(40e6);
    // Without the copies all 40+ MB stayed; a few hundred kB of names and maps may.
    expect(kept).toBeLessThan(5e6);
  });
});
