import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

export type Encoding = 'gzip' | 'plain';

/**
 * An object's bytes as UTF-8 text chunks, gunzipped when the content starts with the gzip magic bytes
 * (whatever the key or Content-Encoding claim; concatenated gzip members are read too). Streaming
 * throughout: the consumer pulling chunks is what pulls bytes from the network or disk.
 */
export async function* decodeText(
  body: AsyncIterable<Uint8Array>,
  onEncoding?: (e: Encoding) => void,
): AsyncGenerator<string> {
  const it = body[Symbol.asyncIterator]();
  try {
    let first = await it.next();
    while (!first.done && first.value.length === 0) first = await it.next();
    if (first.done) return;
    const head = first.value;
    const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    onEncoding?.(gzip ? 'gzip' : 'plain');
    async function* bytes(): AsyncGenerator<Uint8Array> {
      yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    }
    if (!gzip) {
      const dec = new StringDecoder('utf8');
      for await (const chunk of bytes()) {
        const s = dec.write(chunk as Buffer);
        if (s) yield s;
      }
      const tail = dec.end();
      if (tail) yield tail;
      return;
    }
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    pipeline(Readable.from(bytes(), { objectMode: false }), gunzip, () => undefined);
    gunzip.setEncoding('utf8');
    try {
      for await (const s of gunzip) yield s as string;
    } finally {
      gunzip.destroy();
    }
  } finally {
    await it.return?.();
  }
}
