import { INSPECT_OBJECTS, INSPECT_RECORDS, InspectReport } from '../core/events/inspect.js';
import { pruneReason, type TimeWindow } from '../core/events/key-dates.js';
import { RecordScanner } from '../core/events/records.js';
import type { EventsInspectDocument } from '../schemas/events.js';
import { decodeText, type Encoding } from './decode.js';
import { isReadable, type ObjectSource } from './reader.js';

/** Reads the first few records of the first few objects and reports what the reader made of them. */
export async function inspectObjects(
  source: ObjectSource,
  window: TimeWindow,
): Promise<EventsInspectDocument> {
  const report = new InspectReport();
  const ctl = new AbortController();
  let objects = 0;
  try {
    for await (const ref of source.list(ctl.signal)) {
      if (!isReadable(ref) || pruneReason(ref.key, ref.lastModifiedMs, window) !== undefined) continue;
      let encoding: Encoding = 'plain';
      const body = await source.open(ref.key, ctl.signal);
      const o = report.startObject(ref.key, 'plain');
      const scanner = new RecordScanner(
        {
          record(record) {
            if (o.recordsRead < INSPECT_RECORDS) report.addRecord(o, record);
          },
          skipped: () => undefined,
          bad() {
            o.unparseable++;
          },
        },
        undefined,
      );
      for await (const text of decodeText(body, (e) => {
        encoding = e;
      })) {
        scanner.push(text);
        if (o.recordsRead >= INSPECT_RECORDS) break;
      }
      if (o.recordsRead < INSPECT_RECORDS) scanner.end();
      o.encoding = encoding;
      o.shape = scanner.shape;
      if (++objects >= INSPECT_OBJECTS) break;
    }
  } finally {
    ctl.abort();
  }
  return report.document();
}
