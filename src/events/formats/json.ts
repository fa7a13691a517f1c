import type { EventsCountDocument } from '../../schemas/events.js';
import type { CountGroup } from '../count.js';
import type { FormatFactory } from './format.js';

export function countDocument(total: number, groups: CountGroup[]): EventsCountDocument {
  return { schemaVersion: 1, total, groups };
}

/**
 * One versioned JSON document (schemaVersion 1): the events streamed into `{"events": [...]}` one a line,
 * the counts and the --inspect report pretty-printed.
 */
export const create: FormatFactory = () => ({
  header: () => '{"schemaVersion":1,"events":[',
  event: (e, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(e)}`,
  footer: (written) => (written === 0 ? '{"schemaVersion":1,"events":[]}\n' : '\n]}\n'),
  counts: (total, groups) => `${JSON.stringify(countDocument(total, groups), null, 2)}\n`,
  inspect: (doc) => `${JSON.stringify(doc, null, 2)}\n`,
});
