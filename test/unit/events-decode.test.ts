import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeText, type Encoding } from '../../src/events/decode.js';
import { WholeObject } from '../../src/events/sources/source.js';

async function decode(chunks: Buffer[], asStream = true) {
  let encoding: Encoding | undefined;
  const body = asStream
    ? Readable.from(chunks)
    : (async function* () {
        yield* chunks;
      })();
  let text = '';
  for await (const s of decodeText(body, (e) => {
    encoding = e;
  }))
    text += s;
  return { text, encoding };
}

const split = (b: Buffer, size: number) => {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('decodeText', () => {
  const text = `${'{"opType":"commit","n":"é✓"}\n'.repeat(2000)}`;

  it('gunzips by magic bytes, in any chunking, from streams and plain async iterables', async () => {
    const gz = gzipSync(text);
    for (const size of [1, 3, 1000, gz.length]) {
      expect(await decode(split(gz, size))).toEqual({ text, encoding: 'gzip' });
    }
    expect(await decode(split(gz, 7), false)).toEqual({ text, encoding: 'gzip' });
  });

  it('reads concatenated gzip members', async () => {
    const both = Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]);
    expect((await decode([both])).text).toBe('a\nb\n');
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact in plain text', async () => {
    expect(await decode(split(Buffer.from(text), 5))).toEqual({ text, encoding: 'plain' });
  });

  it('yields nothing for an empty body', async () => {
    expect(await decode([])).toEqual({ text: '', encoding: undefined });
  });

  it('fails with a zlib error code on corrupt gzip', async () => {
    const gz = gzipSync(text);
    const corrupt = Buffer.concat([gz.subarray(0, 20), Buffer.alloc(50, 7)]);
    await expect(decode([corrupt])).rejects.toMatchObject({ code: expect.stringMatching(/^Z_/) });
  });
});

/** Everything decodeText gives for a body: the text, how many chunks, the encodings told, and the error. */
async function decodeAll(body: AsyncIterable<Uint8Array>) {
  const encodings: Encoding[] = [];
  let text = '';
  let chunks = 0;
  let error: { code?: string } | undefined;
  try {
    for await (const s of decodeText(body, (e) => encodings.push(e))) {
      text += s;
      chunks++;
    }
  } catch (err) {
    error = err as { code?: string };
  }
  return { text, chunks, encodings, code: error === undefined ? undefined : (error.code ?? 'no code') };
}

/** Text that gzip cannot shrink much, so its compressed form spans several 64 KiB reads. */
function noisyLines(count: number, seed = 1): string {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++)
    out.push(JSON.stringify({ opType: `q${next() % 1000}`, n: next(), s: next().toString(36), é: '✓' }));
  return `${out.join('\n')}\n`;
}

const MiB = 1024 * 1024;

describe('decodeText of a whole object in memory', () => {
  const gz = gzipSync(noisyLines(8000));
  const corrupt = (at: number) => {
    const b = Buffer.from(gz);
    b.fill(7, at, Math.min(at + 40, b.length));
    return b;
  };

  // The streaming path is the reference: the same bytes as one chunk, and as 64 KiB reads of a file.
  const cases: [string, Buffer][] = [
    ['plain text', Buffer.from('{"opType":"a"}\n{"opType":"é✓🚀"}\n')],
    ['gzip', gzipSync('{"opType":"a"}\n{"opType":"b"}\n')],
    ['two concatenated gzip members', Buffer.concat([gzipSync('a\n'), gzipSync('b\n')])],
    ['gzip with zero padding after it', Buffer.concat([gzipSync('a\n'), Buffer.alloc(16)])],
    ['a BOM, plain', Buffer.from('\ufeff{"opType":"a"}\n')],
    ['a BOM, gzip', gzipSync('\ufeff{"opType":"a"}\n')],
    ['gzip of nothing', gzipSync('')],
    ['one byte', Buffer.from('x')],
    ['one byte of the gzip magic', Buffer.from([0x1f])],
    ['the gzip magic only', Buffer.from([0x1f, 0x8b])],
    ['a character cut at the end', Buffer.from('ab✓').subarray(0, 4)],
    ['larger gzip, several reads long', gz],
    ['corrupt gzip near the start', corrupt(100)],
    ['corrupt gzip in the middle', corrupt(Math.floor(gz.length / 2))],
    ['corrupt gzip trailer', corrupt(gz.length - 8)],
    ['truncated gzip', gz.subarray(0, Math.floor(gz.length / 2))],
    ['truncated gzip, past the first read', gz.subarray(0, 64 * 1024 + 100)],
    ['truncated gzip header', gz.subarray(0, 5)],
    ['gzip, then garbage', Buffer.concat([gzipSync('a\n'), Buffer.from('garbage')])],
  ];

  it.each(cases)('%s: the same text, encoding and error as streaming', async (_name, bytes) => {
    const whole = await decodeAll(new WholeObject(bytes));
    const oneRead = await decodeAll(Readable.from([bytes]));
    const fileReads = await decodeAll(Readable.from(split(bytes, 64 * 1024)));
    const { chunks: _a, ...w } = whole;
    const { chunks: _b, ...o } = oneRead;
    const { chunks: _c, ...f } = fileReads;
    expect(w).toEqual(o);
    expect(w).toEqual(f);
    expect(whole.encodings).toEqual([bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gzip' : 'plain']);
    if (whole.code !== undefined) expect(whole.code).toMatch(/^Z_/);
  });

  it('says nothing and yields nothing for an empty object', async () => {
    expect(await decodeAll(new WholeObject(Buffer.alloc(0)))).toEqual({
      text: '',
      chunks: 0,
      encodings: [],
      code: undefined,
    });
  });

  it('reports broken gzip with its zlib code and the text before the damage', async () => {
    const truncated = await decodeAll(new WholeObject(gz.subarray(0, Math.floor(gz.length / 2))));
    expect(truncated.code).toBe('Z_BUF_ERROR');
    expect(truncated.text.length).toBeGreaterThan(64 * 1024);
    expect(noisyLines(8000).startsWith(truncated.text)).toBe(true);
    expect((await decodeAll(new WholeObject(corrupt(100)))).code).toMatch(/^Z_/);
  });

  it('inflates up to 4 MiB in one step and streams anything larger, with the same text', async () => {
    const fits = Buffer.alloc(4 * MiB, 'a');
    const over = Buffer.alloc(4 * MiB + 1, 'a');
    const a = await decodeAll(new WholeObject(gzipSync(fits)));
    expect(a).toMatchObject({ chunks: 1, encodings: ['gzip'], code: undefined });
    expect(a.text.length).toBe(4 * MiB);
    const b = await decodeAll(new WholeObject(gzipSync(over)));
    // Past the cap the object went through gunzip as a stream: many chunks, all of the text.
    expect(b.chunks).toBeGreaterThan(1);
    expect(b).toMatchObject({ encodings: ['gzip'], code: undefined });
    expect(b.text).toBe(over.toString());
    const big = noisyLines(90_000);
    expect(big.length).toBeGreaterThan(4 * MiB);
    const c = await decodeAll(new WholeObject(gzipSync(big)));
    expect(c.text).toBe(big);
    expect(c.code).toBeUndefined();
  });

  it('reads a WholeObject that is also iterated as plain bytes the same way', async () => {
    // A WholeObject is an ordinary async iterable too (one chunk): any other consumer sees the bytes.
    const bytes = gzipSync('x\n');
    const seen: Uint8Array[] = [];
    for await (const c of new WholeObject(bytes)) seen.push(c);
    expect(Buffer.concat(seen)).toEqual(bytes);
  });
});
