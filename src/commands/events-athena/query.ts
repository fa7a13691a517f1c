import type { AwsSettings } from '../../aws/factory.js';
import { UsageError } from '../../errors.js';
import type { AthenaEventsQuery } from '../../events/athena/run-query.js';
import type { EventFilter } from '../../events/filter.js';
import type { OutputFormat } from '../../events/formats/index.js';
import { outputLocation, tableNames } from './names.js';

// `events query --engine athena`: the flags that make sense there, and the run's input. No AWS SDK here.

/** The `events query` flags this module reads (a structural subset of its commander flags). */
export interface EngineFlags {
  engine?: 'local' | 'athena' | undefined;
  workgroup?: string | undefined;
  database?: string | undefined;
  table?: string | undefined;
  outputLocation?: string | undefined;
  [flag: string]: unknown;
}

/**
 * Flags of the local engine that have no meaning on the Athena table (its LOCATION fixes the objects;
 * Athena reads them, skips malformed lines itself and cannot show the recognised fields), by option
 * name → flag. Flags added to `events query` later are accepted unless listed here.
 */
export const LOCAL_ONLY_FLAGS: Record<string, string> = {
  dir: '--dir',
  prefix: '--prefix',
  inspect: '--inspect',
  concurrency: '--concurrency',
  maxRecordBytes: '--max-record-bytes',
  strict: '--strict',
  // The incremental and alert flags follow objects as they are read one by one; an Athena query has none.
  follow: '--follow',
  poll: '--poll',
  state: '--state',
  exitCode: '--exit-code',
  minCount: '--min-count',
};

const ATHENA_ONLY_FLAGS: Record<string, string> = {
  workgroup: '--workgroup',
  database: '--database',
  table: '--table',
  outputLocation: '--output-location',
};

const given = (flags: EngineFlags, names: Record<string, string>) =>
  Object.entries(names)
    .filter(([k]) => flags[k] !== undefined)
    .map(([, flag]) => flag);

/** Exit 2, naming them, for flags of the other engine. */
export function checkEngineFlags(flags: EngineFlags): void {
  if (flags.engine === 'athena') {
    const bad = given(flags, LOCAL_ONLY_FLAGS);
    if (bad.length > 0) {
      throw new UsageError(
        `${bad.join(', ')} ${bad.length === 1 ? 'has' : 'have'} no meaning with --engine athena.`,
        'The Athena table reads the objects under the LOCATION `events athena create` gave it; drop those flags, or query without --engine athena.',
      );
    }
    return;
  }
  const bad = given(flags, ATHENA_ONLY_FLAGS);
  if (bad.length > 0) {
    throw new UsageError(`${bad.join(', ')} only apply with --engine athena.`);
  }
}

/** The run's input from what `events query` resolved (filters, format, limit) and the Athena flags. */
export function athenaQuery(
  flags: EngineFlags & {
    count?: boolean | undefined;
    redact?: boolean | undefined;
    csvRaw?: boolean | undefined;
  },
  resolved: {
    filter: EventFilter;
    format: OutputFormat;
    limit: number | undefined;
    bucket: string | undefined;
  },
  aws: AwsSettings,
): AthenaEventsQuery {
  const { database, table } = tableNames(flags);
  return {
    engine: 'athena',
    mode: flags.count === true ? 'count' : 'events',
    filter: resolved.filter,
    format: resolved.format,
    limit: resolved.limit,
    redact: flags.redact !== false,
    csvRaw: flags.csvRaw === true,
    database,
    table,
    workgroup: flags.workgroup,
    outputLocation: outputLocation(flags.outputLocation),
    bucket: resolved.bucket,
    aws,
  };
}
