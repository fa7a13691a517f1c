import { parentPort } from 'node:worker_threads';
import { Chalk } from 'chalk';
import type { ObjectRef } from '../core/objects.js';
import { EventCounter } from './count.js';
import { compileFilter } from './filter.js';
import { create as ndjson } from './formats/ndjson.js';
import {
  HAND_OUT,
  type ReadTask,
  type ToWorker,
  type WorkerMessage,
  type WorkerResult,
} from './parallel-read.js';
import { type MatchSink, type ReadStats, readEvents } from './reader.js';
import { dirSource } from './sources/dir.js';

/** ndjson text is sent in chunks of about this many characters. */
const CHUNK = 256 * 1024;
/** Bytes of one send buffer: a chunk and its last event (a larger chunk gets a buffer of its own). */
const BUFFER = 1024 * 1024;
/** Chunks sent and not yet written before the worker waits (back-pressure from stdout). */
const IN_FLIGHT = 4;

const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(m, transfer);

/**
 * The objects the main thread hands this worker (a shared listing), as a listing: asked for a batch at a
 * time, the next batch asked for while the last few of the one before are still to be read.
 */
function handedOut() {
  const queue: ObjectRef[] = [];
  let ended = false;
  let asked = false;
  let wake: (() => void) | undefined;
  const ask = () => {
    if (asked || ended) return;
    asked = true;
    post({ want: HAND_OUT });
  };
  return {
    receive(m: { refs: ObjectRef[]; end: boolean }) {
      asked = false;
      queue.push(...m.refs);
      if (m.end) ended = true;
      wake?.();
      wake = undefined;
    },
    async *list(): AsyncGenerator<ObjectRef> {
      for (;;) {
        if (queue.length < HAND_OUT / 2) ask();
        const ref = queue.shift();
        if (ref !== undefined) {
          yield ref;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}

/**
 * One worker of parallelRead: reads the objects the main thread hands it (shared listing), or every
 * `parts`-th readable object of its own listing, from `part`.
 */
async function main(task: ReadTask): Promise<WorkerResult> {
  const opened = await dirSource(task.dir, task.prefix, task.needStat, true);
  const feed = task.shared ? handedOut() : undefined;
  const source = feed ? { ...opened.source, list: () => feed.list() } : opened.source;
  const counter = new EventCounter();
  let n = 0;
  let stats: ReadStats | undefined;
  const timer = setInterval(() => {
    if (stats) post({ progress: stats });
  }, 200);

  let text = '';
  let inFlight = 0;
  // Every object being read waits on the same gate while too many chunks are unwritten.
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  // Send buffers come back once their bytes are written, and are filled again: 500 MB of ndjson passes
  // through a few buffers, instead of leaving the main thread garbage it would collect only now and then.
  const spare: ArrayBuffer[] = [];
  parentPort?.on('message', (m: ToWorker) => {
    if (!(m instanceof ArrayBuffer)) {
      feed?.receive(m);
      return;
    }
    const back = m;
    if (back.byteLength === BUFFER) spare.push(back);
    inFlight--;
    if (gate && inFlight < IN_FLIGHT) {
      gate.open();
      gate = undefined;
    }
  });
  const send = () => {
    if (text === '') return;
    // Encoded here and handed over, not copied: the main thread only writes the bytes.
    const size = Buffer.byteLength(text);
    const buffer = size <= BUFFER ? (spare.pop() ?? new ArrayBuffer(BUFFER)) : new ArrayBuffer(size);
    const bytes = Buffer.from(buffer, 0, size);
    bytes.write(text);
    post({ chunk: bytes }, [buffer]);
    text = '';
    inFlight++;
  };
  const format = ndjson({ color: new Chalk({ level: 0 }), columns: undefined });
  const sink: MatchSink =
    task.mode === 'count'
      ? {
          wantsEvents: false,
          add: (facts) => counter.add(facts.entity, facts.query),
          flush: () => undefined,
        }
      : {
          wantsEvents: true,
          add: (_facts, e) => {
            if (e) text += format.event(e, 0);
          },
          flush: () => {
            if (text.length >= CHUNK) send();
            if (inFlight < IN_FLIGHT) return undefined;
            if (!gate) {
              let open: () => void = () => {};
              const promise = new Promise<void>((resolve) => {
                open = resolve;
              });
              gate = { promise, open };
            }
            return gate.promise;
          },
        };
  try {
    const result = await readEvents(source, {
      filter: compileFilter(task.filter),
      window: { sinceMs: task.filter.sinceMs, untilMs: task.filter.untilMs },
      concurrency: task.concurrency,
      limit: undefined,
      redact: task.redact,
      strict: false,
      ...(task.maxRecordBytes === undefined ? {} : { maxRecordBytes: task.maxRecordBytes }),
      sink,
      ...(feed ? {} : { select: () => n++ % task.parts === task.part }),
      onStart: (s) => {
        stats = s;
      },
    });
    send();
    return { stats: result, groups: counter.raw() };
  } finally {
    clearInterval(timer);
  }
}

const run = (task: ReadTask) =>
  main(task).then(
    (done) => post({ done }),
    (err: unknown) =>
      post({
        error: {
          message: err instanceof Error ? err.message : String(err),
          hint: (err as { hint?: string }).hint,
        },
      }),
  );

// The task comes as the first message: the thread may have been started before it was known (worker-pool.ts).
parentPort?.once('message', (task: ReadTask) => {
  void run(task);
});
