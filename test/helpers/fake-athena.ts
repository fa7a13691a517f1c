import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsClientFactory, AwsSettings } from '../../src/aws/factory.js';
import { serviceError } from './fake-context.js';

export interface Sent {
  name: string;
  input: Record<string, unknown>;
}

type Answer = (input: Record<string, unknown>, n: number) => unknown;

/**
 * An Athena client that answers each command by its name (without the `Command` suffix) from `answers`,
 * recording every command sent, in order; an Error answer is thrown. A command without an answer fails
 * the test.
 */
export class FakeAthena {
  readonly sent: Sent[] = [];
  destroyed = false;
  constructor(readonly answers: Record<string, Answer>) {}

  names(): string[] {
    return this.sent.map((s) => s.name);
  }

  of(name: string): Sent[] {
    return this.sent.filter((s) => s.name === name);
  }

  async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = cmd.constructor.name.replace(/Command$/, '');
    this.sent.push({ name, input: cmd.input });
    const answer = this.answers[name];
    if (!answer) throw new Error(`FakeAthena does not answer ${name}`);
    const a = answer(cmd.input, this.of(name).length);
    if (a instanceof Error) throw a;
    return a;
  }

  destroy(): void {
    this.destroyed = true;
  }
}

/** An S3 that lists `keys` (one page per 1,000) for ListObjectsV2, and nothing else. */
export class FakeListingS3 {
  readonly sent: Sent[] = [];
  constructor(
    readonly bucket: string,
    readonly keys: string[],
  ) {}

  async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = cmd.constructor.name.replace(/Command$/, '');
    this.sent.push({ name, input: cmd.input });
    if (name !== 'ListObjectsV2') throw new Error(`FakeListingS3 does not answer ${name}`);
    if (cmd.input.Bucket !== this.bucket) throw serviceError('NoSuchBucket', 404);
    const prefix = String(cmd.input.Prefix ?? '');
    const all = this.keys.filter((k) => k.startsWith(prefix)).sort();
    const start = Number(cmd.input.ContinuationToken ?? 0);
    const page = all.slice(start, start + 1000);
    const next = start + 1000 < all.length ? String(start + 1000) : undefined;
    return {
      Contents: page.map((Key) => ({ Key, Size: 10, LastModified: new Date('2026-11-25T00:00:00Z') })),
      IsTruncated: next !== undefined,
      ...(next ? { NextContinuationToken: next } : {}),
    };
  }

  destroy(): void {}
}

/** `ctx.aws` for a fake context: these clients, whatever the settings. */
export function fakeAws(clients: { athena?: FakeAthena; s3?: FakeListingS3 }, seen: AwsSettings[] = []) {
  return (settings: AwsSettings): AwsClientFactory => {
    seen.push(settings);
    return {
      settings,
      s3: async () => {
        if (!clients.s3) throw new Error('this test lists no bucket');
        return clients.s3 as unknown as S3Client;
      },
      sts: async () => {
        throw new Error('no fake STS');
      },
      kms: async () => {
        throw new Error('no fake KMS');
      },
      athena: async () => {
        if (!clients.athena) throw new Error('this test reaches no Athena');
        return clients.athena as unknown as AthenaClient;
      },
    };
  };
}

/** GetQueryExecution's answer for a state. */
export function execution(State: string, extra: { reason?: string; bytes?: number; type?: string } = {}) {
  return {
    QueryExecution: {
      Status: { State, ...(extra.reason ? { StateChangeReason: extra.reason } : {}) },
      Statistics: { DataScannedInBytes: extra.bytes ?? 0, EngineExecutionTimeInMillis: 10 },
      StatementType: extra.type ?? 'DML',
    },
  };
}

/** GetQueryResults' answer: the header row (as Athena sends for a SELECT), then the rows. */
export function results(columns: readonly string[], rows: (string | null)[][], NextToken?: string) {
  const asRow = (cells: readonly (string | null)[]) => ({
    Data: cells.map((c) => (c === null ? {} : { VarCharValue: c })),
  });
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Label: c })) },
      Rows: [asRow(columns), ...rows.map(asRow)],
    },
    ...(NextToken ? { NextToken } : {}),
  };
}

/** A MetadataException as Athena answers GetTableMetadata/GetDatabase for something that is not there. */
export function notFound(what: string): Error {
  return serviceError(
    'MetadataException',
    400,
    `Entity Not Found: ${what} not found (EntityNotFoundException)`,
  );
}
