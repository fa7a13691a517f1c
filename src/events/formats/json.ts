import type { EventsCountDocument, IncompleteEntry } from '../../schemas/events.js';
import type { CountGroup } from '../count.js';
import type { IncompleteObject } from '../sources/source.js';
import type { FormatFactory } from './format.js';

/**
 * The additive fields of an incomplete answer (schemaVersion stays 1): `complete: false` and what could
 * not be read. A complete answer has neither field.
 */
function completeness(incomplete: readonly IncompleteObject[] = []): {
  complete?: false;
  incomplete?: IncompleteEntry[];
} {
  if (incomplete.length === 0) return {};
  return { complete: false, incomplete: incomplete.map(({ key, what, reason }) => ({ key, what, reason })) };
}

export function countDocument(
  total: number,
  groups: CountGroup[],
  incomplete?: readonly IncompleteObject[],
): EventsCountDocument {
  return { schemaVersion: 1, total, groups, ...completeness(incomplete) };
}

/** The end of the streamed events document: `]` and, for an incomplete answer, its additive fields. */
function tail(incomplete?: readonly IncompleteObject[]): string {
  const extra = JSON.stringify(completeness(incomplete)).slice(1, -1);
  return extra === '' ? '' : `,${extra}`;
}

/**
 * One versioned JSON document (schemaVersion 1): the events streamed into `{"events": [...]}` one a line,
 * the counts and the --inspect report pretty-printed.
 */
export const create: FormatFactory = () => ({
  header: () => '{"schemaVersion":1,"events":[',
  event: (e, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(e)}`,
  footer: (written, incomplete) =>
    written === 0 ? `{"schemaVersion":1,"events":[]${tail(incomplete)}}\n` : `\n]${tail(incomplete)}}\n`,
  counts: (total, groups, incomplete) =>
    `${JSON.stringify(countDocument(total, groups, incomplete), null, 2)}\n`,
  inspect: (doc) => `${JSON.stringify(doc, null, 2)}\n`,
});
