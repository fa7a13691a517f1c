import { UsageError } from '../../errors.js';
import { DEFAULT_DATABASE, DEFAULT_TABLE } from '../../events/athena/ddl.js';
import { checkName } from '../../events/athena/sql.js';

// No AWS SDK here: `events query` imports this module for --engine athena's flags.

/** --database / --table, validated (Athena/Glue names) and lower-cased; a bad one exits 2. */
export function tableNames(flags: { database?: string | undefined; table?: string | undefined }): {
  database: string;
  table: string;
} {
  try {
    return {
      database: checkName('database', flags.database ?? DEFAULT_DATABASE),
      table: checkName('table', flags.table ?? DEFAULT_TABLE),
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** --output-location: an s3:// URI with a bucket. */
export function outputLocation(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?$/.test(value)) {
    throw new UsageError(
      `--output-location must be an S3 URI such as s3://my-athena-results/prophecy/, not "${value}".`,
    );
  }
  return value.endsWith('/') ? value : `${value}/`;
}
