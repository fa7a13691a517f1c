import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventsQuery } from './summary.js';

/*
 * The reader threads of parallelRead, which can be started before the rest of the events pipeline is even
 * loaded: a thread takes ≈ 50 ms to boot, about what the main thread takes to load the pipeline, so the two
 * overlap. A thread started ahead waits for its task (the first message it gets) and is unref'd until it is
 * taken, so a run that ends before (a usage error, an unreadable folder) is not kept alive by it.
 * Only node: built-ins are imported here, so starting threads costs the command nothing else.
 */

const WORKER = new URL('./read-worker.js', import.meta.url);

/**
 * How many threads a full read would use here: 0 (read on the main thread) on a single core, or when the
 * worker's compiled module is not there (the sources run under a TypeScript loader, as in unit tests).
 */
function readWorkers(): number {
  if (!existsSync(fileURLToPath(WORKER))) return 0;
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, 4);
}

/**
 * Worker threads for a full read of a local copy (0: read on the main thread): --count and --output ndjson
 * (with or without filters: even when the raw-line pre-filter skips most records, every byte is still
 * inflated and searched). Not with --strict or --limit, which stop at the first bad record or n-th match, nor
 * with --state or --follow, which deliver object by object. PROPHECY_AUDIT_WORKERS overrides the number (0
 * turns them off).
 */
export function plannedWorkers(env: NodeJS.ProcessEnv, q: EventsQuery): number {
  if (q.source.kind !== 'dir' || q.strict || q.limit !== undefined) return 0;
  if (q.statePath !== undefined || q.follow !== undefined) return 0;
  const fits = q.mode === 'count' || (q.mode === 'events' && q.format === 'ndjson');
  if (!fits) return 0;
  const auto = readWorkers();
  const given = env.PROPHECY_AUDIT_WORKERS;
  if (auto > 0 && given !== undefined && /^\d+$/.test(given)) return Math.min(Number(given), 16);
  return auto;
}

function startWorker(): Worker {
  // A small young generation: records die young, and each worker's heap counts towards peak RSS.
  return new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
}

let ahead: Worker[] = [];

/** Starts `n` threads now, for parallelRead to take later. */
export function startWorkersAhead(n: number): void {
  for (let i = 0; i < n; i++) {
    const w = startWorker();
    w.unref();
    ahead.push(w);
  }
}

/** `n` threads for parallelRead: those started ahead first; any left over are stopped. */
export function takeWorkers(n: number): Worker[] {
  const taken = ahead.splice(0, n);
  for (const w of ahead) void w.terminate();
  ahead = [];
  for (const w of taken) w.ref();
  while (taken.length < n) taken.push(startWorker());
  return taken;
}
