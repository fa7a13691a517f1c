import { parentPort, workerData } from 'node:worker_threads';
import { EventCounter } from './count.js';
import { compileFilter } from './filter.js';
import type { CountResult, CountTask } from './parallel-count.js';
import { type ReadStats, readEvents } from './reader.js';
import { dirSource } from './sources/dir.js';

/** One worker of parallelCount: counts every `parts`-th readable object of the listing, from `part`. */
async function main(task: CountTask): Promise<CountResult> {
  const { source } = await dirSource(task.dir, task.prefix, task.needStat);
  const counter = new EventCounter();
  let n = 0;
  let stats: ReadStats | undefined;
  const timer = setInterval(() => {
    if (stats) parentPort?.postMessage({ progress: stats });
  }, 200);
  try {
    const result = await readEvents(source, {
      filter: compileFilter(task.filter),
      window: { sinceMs: task.filter.sinceMs, untilMs: task.filter.untilMs },
      concurrency: task.concurrency,
      limit: undefined,
      redact: true,
      strict: false,
      ...(task.maxRecordBytes === undefined ? {} : { maxRecordBytes: task.maxRecordBytes }),
      sink: {
        wantsEvents: false,
        add: (facts) => counter.add(facts.entity, facts.query),
        flush: () => undefined,
      },
      select: () => n++ % task.parts === task.part,
      onStart: (s) => {
        stats = s;
      },
    });
    return { stats: result, groups: counter.raw() };
  } finally {
    clearInterval(timer);
  }
}

main(workerData as CountTask).then(
  (done) => parentPort?.postMessage({ done }),
  (err: unknown) =>
    parentPort?.postMessage({
      error: {
        message: err instanceof Error ? err.message : String(err),
        hint: (err as { hint?: string }).hint,
      },
    }),
);
