import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CliError } from '../errors.js';
import { EventCounter } from './count.js';
import type { EventFilter } from './filter.js';
import type { ReadStats } from './reader.js';

/*
 * `--count` over a local copy on several cores: each worker thread runs the same pipeline (list → prune →
 * decode → scan → normalize → filter → count) over every n-th object of the same listing, and the counts
 * are merged. The same code counts, so the answers are exactly the single-threaded ones.
 */

/** What a worker needs: plain data (it compiles the filter itself). */
export interface CountTask {
  dir: string;
  prefix: string | undefined;
  needStat: boolean;
  filter: EventFilter;
  concurrency: number;
  maxRecordBytes: number | undefined;
  part: number;
  parts: number;
}

export interface CountResult {
  stats: ReadStats;
  groups: { entity: string | null; query: string; count: number }[];
}

/** How many workers a count would use here: 0 (read on the main thread) on a single core. */
export function countWorkers(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, 4);
}

export async function parallelCount(
  task: Omit<CountTask, 'part' | 'parts'>,
  parts: number,
  signal: AbortSignal,
  onStats?: (s: ReadStats) => void,
): Promise<{ stats: ReadStats; counter: EventCounter }> {
  const url = new URL('./count-worker.js', import.meta.url);
  const workers = Array.from(
    { length: parts },
    (_, part) =>
      new Worker(url, {
        // The objects in flight are shared out, so memory stays that of one reader.
        workerData: {
          ...task,
          concurrency: Math.max(2, Math.ceil(task.concurrency / parts)),
          part,
          parts,
        } satisfies CountTask,
        // A small young generation: records die young, and each worker's heap counts towards peak RSS.
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
      }),
  );
  const stop = () => {
    for (const w of workers) void w.terminate();
  };
  signal.addEventListener('abort', stop, { once: true });
  const live: ReadStats[] = [];
  const sum = (): ReadStats => {
    const t: ReadStats = {
      listed: 0,
      pruned: 0,
      read: 0,
      bytes: 0,
      scanned: 0,
      matched: 0,
      unparseable: 0,
      samples: [],
      limitReached: false,
    };
    for (const s of live) {
      if (!s) continue;
      // Every worker lists everything: listed and pruned are the same in each.
      t.listed = Math.max(t.listed, s.listed);
      t.pruned = Math.max(t.pruned, s.pruned);
      t.read += s.read;
      t.bytes += s.bytes;
      t.scanned += s.scanned;
      t.matched += s.matched;
      t.unparseable += s.unparseable;
      for (const x of s.samples) if (t.samples.length < 5) t.samples.push(x);
    }
    return t;
  };
  try {
    const results = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<CountResult>((resolve, reject) => {
            w.on('message', (m: { progress?: ReadStats; done?: CountResult; error?: { message: string; hint?: string } }) => {
              if (m.progress) {
                live[i] = m.progress;
                onStats?.(sum());
              } else if (m.done) resolve(m.done);
              else if (m.error) reject(new CliError(m.error.message, m.error.hint ? { hint: m.error.hint } : {}));
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (signal.aborted) resolve({ stats: sum(), groups: [] });
              else reject(new Error(`count worker exited with code ${code}`));
            });
          }),
      ),
    );
    results.forEach((r, i) => {
      live[i] = r.stats;
    });
    const counter = new EventCounter();
    for (const r of results) for (const g of r.groups) counter.add(g.entity ?? undefined, g.query, g.count);
    return { stats: sum(), counter };
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}
