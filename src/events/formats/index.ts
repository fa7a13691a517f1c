import type { FormatFactory, FormatOptions } from './format.js';

/**
 * The output formats of `events query`, in the order `--output` lists them. Each is one file in this
 * folder exporting `create` (a FormatFactory); it is loaded only when chosen, so this list costs nothing
 * at start-up (the CLI's flag definitions read it).
 */
const FORMATS = {
  table: () => import('./table.js'),
  ndjson: () => import('./ndjson.js'),
  json: () => import('./json.js'),
  csv: () => import('./csv.js'),
} satisfies Record<string, () => Promise<{ create: FormatFactory }>>;

export type OutputFormat = keyof typeof FORMATS;

/** The `--output` choices. */
export const OUTPUT_FORMATS = Object.keys(FORMATS) as OutputFormat[];

export async function loadFormat(name: OutputFormat, opts: FormatOptions) {
  const { create } = await FORMATS[name]();
  return create(opts);
}

export type { EventFormat, FormatFactory, FormatOptions } from './format.js';
