import { Readable, Writable } from 'node:stream';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsClientFactory, AwsSettings } from '../../src/aws/factory.js';
import type { Context, Prompts } from '../../src/context.js';
import type { PublicAccessBlock } from '../../src/core/bucket-state.js';
import { InterruptNote } from '../../src/ui/interrupt.js';

/** A stream that keeps what is written; `isTTY` as asked, no width (so no spinner draws on it). */
export function fakeStream(isTTY = false): { stream: NodeJS.WriteStream; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 0 });
  return { stream, text: () => text };
}

/** An SDK-shaped service error, as the fake clients throw them. */
export function serviceError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, requestId: 'FAKE' },
  });
}

export interface SentCommand {
  name: string;
  input: Record<string, unknown>;
}

interface Command {
  constructor: { name: string };
  input: Record<string, unknown>;
}

/**
 * An S3 that knows buckets in memory and answers each command by its name; every command sent is
 * recorded, in order. Only what setup, verify and the aws layer send is answered.
 */
export class FakeS3 {
  readonly sent: SentCommand[] = [];
  readonly buckets = new Map<
    string,
    {
      owner: string;
      region: string;
      ownership?: string;
      publicAccessBlock?: PublicAccessBlock;
      policy?: string;
      objects: string[];
      /** GetBucketEncryption's rules; none = no configuration (S3 then uses SSE-S3). */
      encryption?: { SSEAlgorithm: string; KMSMasterKeyID?: string };
      payer?: 'BucketOwner' | 'Requester';
      versioning?: 'Enabled' | 'Suspended';
    }
  >();

  /** Called before each command is answered (after it is recorded): a test can change the bucket meanwhile. */
  beforeAnswer: ((name: string, input: Record<string, unknown>) => void) | undefined;

  constructor(readonly account: string) {}

  get writes(): SentCommand[] {
    return this.sent.filter((c) => /^(Create|Put|Delete)/.test(c.name));
  }

  private bucket(input: Record<string, unknown>) {
    const b = this.buckets.get(String(input.Bucket));
    if (!b) throw serviceError('NoSuchBucket', 404);
    if (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== b.owner) {
      throw serviceError('AccessDenied', 403);
    }
    return b;
  }

  async send(command: Command): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    const input = command.input;
    this.sent.push({ name, input });
    this.beforeAnswer?.(name, input);
    switch (name) {
      case 'HeadBucket': {
        const b = this.buckets.get(String(input.Bucket));
        if (!b) throw serviceError('NotFound', 404);
        if (input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== b.owner) {
          throw serviceError('Forbidden', 403);
        }
        return { BucketRegion: b.region };
      }
      case 'ListBuckets':
        return {
          Buckets: [...this.buckets]
            .filter(([n, b]) => b.owner === this.account && n.startsWith(String(input.Prefix ?? '')))
            .map(([Name]) => ({ Name })),
        };
      case 'GetBucketLocation': {
        const b = this.bucket(input);
        return { LocationConstraint: b.region === 'us-east-1' ? undefined : b.region };
      }
      case 'GetBucketOwnershipControls': {
        const b = this.bucket(input);
        if (!b.ownership) throw serviceError('OwnershipControlsNotFoundError', 404);
        return { OwnershipControls: { Rules: [{ ObjectOwnership: b.ownership }] } };
      }
      case 'GetPublicAccessBlock': {
        const b = this.bucket(input);
        if (!b.publicAccessBlock) throw serviceError('NoSuchPublicAccessBlockConfiguration', 404);
        return { PublicAccessBlockConfiguration: b.publicAccessBlock };
      }
      case 'GetBucketPolicy': {
        const b = this.bucket(input);
        if (!b.policy) throw serviceError('NoSuchBucketPolicy', 404);
        return { Policy: b.policy };
      }
      case 'GetBucketEncryption': {
        const b = this.bucket(input);
        if (!b.encryption) throw serviceError('ServerSideEncryptionConfigurationNotFoundError', 404);
        return {
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: b.encryption }],
          },
        };
      }
      case 'GetBucketRequestPayment':
        return { Payer: this.bucket(input).payer ?? 'BucketOwner' };
      case 'GetBucketVersioning': {
        const b = this.bucket(input);
        return b.versioning ? { Status: b.versioning } : {};
      }
      case 'GetObjectLockConfiguration':
        this.bucket(input);
        throw serviceError('ObjectLockConfigurationNotFoundError', 404);
      case 'ListObjectsV2': {
        const b = this.bucket(input);
        const keys = b.objects.slice(0, Number(input.MaxKeys ?? 1000));
        return {
          KeyCount: keys.length,
          Contents: keys.map((Key, i) => ({ Key, LastModified: new Date(Date.UTC(2026, 10, 1 + i)) })),
          IsTruncated: false,
        };
      }
      case 'DeleteBucketPolicy':
        delete this.bucket(input).policy;
        return {};
      case 'CreateBucket': {
        if (this.buckets.has(String(input.Bucket))) throw serviceError('BucketAlreadyOwnedByYou', 409);
        const constraint = (input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined)
          ?.LocationConstraint;
        this.buckets.set(String(input.Bucket), {
          owner: this.account,
          region: constraint ?? 'us-east-1',
          ownership: String(input.ObjectOwnership ?? 'ObjectWriter'),
          objects: [],
        });
        return {};
      }
      case 'PutBucketOwnershipControls': {
        const rules = (input.OwnershipControls as { Rules: { ObjectOwnership: string }[] }).Rules;
        this.bucket(input).ownership = rules[0]?.ObjectOwnership;
        return {};
      }
      case 'PutPublicAccessBlock':
        this.bucket(input).publicAccessBlock = input.PublicAccessBlockConfiguration as PublicAccessBlock;
        return {};
      case 'PutBucketPolicy':
        this.bucket(input).policy = String(input.Policy);
        return {};
      default:
        throw new Error(`FakeS3 does not answer ${name}`);
    }
  }
}

/**
 * A KMS that knows keys in memory (by id/ARN): DescribeKey, GetKeyPolicy, PutKeyPolicy; each call recorded
 * with the client's region. `policies` holds keys known only by their policy (a customer key, enabled);
 * `fail` makes the named command throw that error.
 */
export class FakeKms {
  readonly sent: (SentCommand & { region: string | undefined })[] = [];
  readonly keys = new Map<string, { manager: 'AWS' | 'CUSTOMER'; state: string; policy: string }>();
  readonly policies = new Map<string, string>();
  fail: Record<string, Error> = {};

  get writes(): SentCommand[] {
    return this.sent.filter((c) => /^Put/.test(c.name));
  }

  client(region: string | undefined) {
    return {
      send: async (command: Command): Promise<unknown> => {
        const name = command.constructor.name.replace(/Command$/, '');
        const input = command.input;
        this.sent.push({ name, input, region });
        const failure = this.fail[name];
        if (failure) throw failure;
        const id = String(input.KeyId);
        const policyOnly = this.policies.get(id);
        const key =
          this.keys.get(id) ??
          (policyOnly === undefined
            ? undefined
            : { manager: 'CUSTOMER' as const, state: 'Enabled', policy: policyOnly });
        if (!key) throw serviceError('NotFoundException', 400);
        switch (name) {
          case 'DescribeKey':
            return { KeyMetadata: { Arn: input.KeyId, KeyManager: key.manager, KeyState: key.state } };
          case 'GetKeyPolicy':
            return { Policy: key.policy, PolicyName: 'default' };
          case 'PutKeyPolicy': {
            const stored = this.keys.get(id);
            if (stored) stored.policy = String(input.Policy);
            else this.policies.set(id, String(input.Policy));
            return {};
          }
          default:
            throw new Error(`FakeKms does not answer ${name}`);
        }
      },
    };
  }
}

export class FakeSts {
  readonly sent: SentCommand[] = [];
  constructor(readonly account: string) {}

  async send(command: Command): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.sent.push({ name, input: command.input });
    if (name !== 'GetCallerIdentity') throw new Error(`FakeSts does not answer ${name}`);
    return {
      Account: this.account,
      Arn: `arn:aws:sts::${this.account}:assumed-role/Admin/test`,
      UserId: 'AROAFAKE:test',
    };
  }
}

/** Answers in the order the questions are asked; each question is recorded by its message. */
export function scriptedPrompts(answers: (string | boolean)[]): { prompts: Prompts; asked: string[] } {
  const asked: string[] = [];
  const next = (config: { message: string }) => {
    asked.push(config.message);
    if (answers.length === 0) throw new Error(`no scripted answer for "${config.message}"`);
    return Promise.resolve(answers.shift());
  };
  return { prompts: { input: next, confirm: next, search: next } as unknown as Prompts, asked };
}

export interface FakeContext {
  ctx: Context;
  stdout(): string;
  stderr(): string;
  s3: FakeS3;
  sts: FakeSts;
  kms: FakeKms;
  /** The settings each `ctx.aws()` call was made with: none means AWS was never reached. */
  awsSettings: AwsSettings[];
}

/** A context for running a command in-process: fake streams, scripted prompts, fake AWS clients. */
export function fakeContext(
  options: {
    tty?: boolean;
    answers?: (string | boolean)[];
    account?: string;
    /** What stdin holds (`--policy-file -`); absent = the context has no stdin. */
    stdin?: string;
  } = {},
): FakeContext & { asked: string[]; stdinReads(): number } {
  const account = options.account ?? '123456789012';
  const out = fakeStream(false);
  const err = fakeStream(options.tty === true);
  const s3 = new FakeS3(account);
  const sts = new FakeSts(account);
  const kms = new FakeKms();
  const awsSettings: AwsSettings[] = [];
  const { prompts, asked } = scriptedPrompts(options.answers ?? []);
  let stdinReads = 0;
  const stdin = options.stdin;
  const ctx: Context = {
    stdout: out.stream,
    stderr: err.stream,
    stdinIsTTY: options.tty === true,
    ...(stdin === undefined
      ? {}
      : {
          stdin: () => {
            stdinReads++;
            return Readable.from([Buffer.from(stdin)]);
          },
        }),
    env: {},
    now: () => Date.parse('2026-11-27T04:00:00Z'),
    prompts: async () => prompts,
    aws: (settings): AwsClientFactory => {
      awsSettings.push(settings);
      return {
        settings,
        s3: async () => s3 as unknown as S3Client,
        sts: async () => sts as unknown as STSClient,
        kms: async (region) => kms.client(region) as unknown as KMSClient,
        athena: async () => {
          throw new Error('no fake Athena');
        },
      };
    },
    signal: new AbortController().signal,
    interrupt: new InterruptNote(),
    debug: false,
  };
  return {
    ctx,
    stdout: out.text,
    stderr: err.text,
    s3,
    sts,
    kms,
    awsSettings,
    asked,
    stdinReads: () => stdinReads,
  };
}
