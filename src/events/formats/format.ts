import type { ChalkInstance } from 'chalk';
import type { AuditEvent } from '../../core/event.js';
import type { EventsInspectDocument } from '../../schemas/events.js';
import type { CountGroup } from '../count.js';
import type { IncompleteObject } from '../sources/source.js';

/**
 * One output format of `events query`. Events stream: `header` before the first, `event` for each,
 * `footer` after the last; `counts` is the whole --count output. Adding a format: one file in this folder
 * exporting `create: FormatFactory`, its line in ./index.ts, and its test (test/unit/events-formats.test.ts).
 */
export interface EventFormat {
  /** Text before the first event (never written when nothing matched). */
  header(): string;
  /** One matched event; `index` counts from 0. */
  event(e: AuditEvent, index: number): string;
  /**
   * Text after the last event; `written` is how many there were (0: the header was never written).
   * `incomplete`: what could not be read (non-empty: the answer is incomplete; documents say so).
   */
  footer(written: number, incomplete?: readonly IncompleteObject[]): string;
  /** The --count output: `total` matches in `groups` (sorted); `incomplete` as for footer. */
  counts(total: number, groups: CountGroup[], incomplete?: readonly IncompleteObject[]): string;
  /** The --inspect report, for a format with its own (otherwise the text report is printed). */
  inspect?(doc: EventsInspectDocument): string;
}

/** What a format may know about where it is printed. */
export interface FormatOptions {
  /** Colours decided for stdout (no colour when piped or with --no-color). */
  color: ChalkInstance;
  /** The terminal's width when stdout is one; undefined when piped (lines are never cut then). */
  columns: number | undefined;
  /** CSV: write event text exactly, without neutralising formulas (--csv-raw). */
  csvRaw?: boolean;
}

export type FormatFactory = (opts: FormatOptions) => EventFormat;
