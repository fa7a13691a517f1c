import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeText, type Encoding } from '../../src/events/decode.js';

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
