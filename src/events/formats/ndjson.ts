import type { FormatFactory } from './format.js';

/** One JSON object a line: each event (schema: auditEventSchema), or each count group. */
export const create: FormatFactory = () => ({
  header: () => '',
  event: (e) => `${JSON.stringify(e)}\n`,
  footer: () => '',
  counts: (_total, groups) => groups.map((g) => `${JSON.stringify(g)}\n`).join(''),
});
