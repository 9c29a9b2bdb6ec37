import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { PlexError } from '../errors.js';
import {
  createDecryptStream,
  createFileKey,
  DecryptError,
  encryptedSize,
  EncryptStream,
  HEADER_SIZE,
  plaintextRangeToStored,
  plaintextSizeOf,
  RECORD_SIZE,
  RecordSealer,
  recordCount,
  recordOffset,
  TAG_SIZE,
  unwrapFileKey,
  wrapFileKey,
  type DecryptOptions,
} from './record-cipher.js';

const R = RECORD_SIZE;

/** The garbage collector, exposed at run time (vitest workers do not start with --expose-gc). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Splits `data` into chunks of random sizes (1 byte included) up to `max`. */
function randomChunks(data: Buffer, max: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const size = Math.random() < 0.2 ? 1 : 1 + Math.floor(Math.random() * max);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function collect(source: Readable | Iterable<Buffer>, ...transforms: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  await pipeline([input, ...transforms, sink]);
  return Buffer.concat(parts);
}

async function encrypt(plaintext: Buffer, options: { key: Buffer; fileId: string; recordSize?: number }, chunks?: Buffer[]) {
  const stream = new EncryptStream(options);
  const stored = await collect(chunks ?? [plaintext], stream);
  return { stored, stream };
}

function decrypt(stored: Buffer, options: DecryptOptions, chunkMax = 100_000): Promise<Buffer> {
  return collect(randomChunks(stored, chunkMax), createDecryptStream(options));
}

describe('file keys', () => {
  it('wraps a file key under the master key, bound to the file id', () => {
    const master = randomBytes(32);
    const id = randomUUID();
    const key = createFileKey();
    expect(key).toHaveLength(32);
    const wrapped = wrapFileKey(master, id, key);
    expect(unwrapFileKey(master, id, wrapped)).toEqual(key);
    expect(() => unwrapFileKey(master, randomUUID(), wrapped)).toThrow();
    expect(() => unwrapFileKey(randomBytes(32), id, wrapped)).toThrow();
  });
});

describe('sizes', () => {
  it('computes the stored size exactly and its inverse', () => {
    for (const recordSize of [1, 7, 16, 17, 100, R]) {
      for (const size of [0, 1, 2, recordSize - 1, recordSize, recordSize + 1, 3 * recordSize, 3 * recordSize + 5, 12345]) {
        if (size < 0) continue;
        const records = Math.max(1, Math.ceil(size / recordSize));
        expect(recordCount(size, recordSize)).toBe(records);
        expect(encryptedSize(size, recordSize)).toBe(HEADER_SIZE + size + TAG_SIZE * records);
        expect(plaintextSizeOf(encryptedSize(size, recordSize), recordSize)).toBe(size);
      }
    }
    // Sizes no file is stored in.
    for (const stored of [0, 15, 16, 31, HEADER_SIZE + R + TAG_SIZE + 5, HEADER_SIZE + R + TAG_SIZE + TAG_SIZE]) {
      expect(() => plaintextSizeOf(stored)).toThrow(RangeError);
    }
  });
});

describe('EncryptStream and createDecryptStream', () => {
  const key = createFileKey();
  const fileId = randomUUID();

  it.each([0, 1, R - 1, R, R + 1, 3 * R])('round-trips %i bytes', async (size) => {
    const plaintext = randomBytes(size);
    const { stored, stream } = await encrypt(plaintext, { key, fileId });
    expect(stored).toHaveLength(encryptedSize(size));
    expect(stored.subarray(0, 4).toString('ascii')).toBe('PLXF');
    expect(stream.plaintextBytes).toBe(size);
    expect(stream.sha256).toBe(createHash('sha256').update(plaintext).digest('hex'));
    expect(await decrypt(stored, { key, fileId })).toEqual(plaintext);
    expect(await decrypt(stored, { key, fileId, plaintextSize: size })).toEqual(plaintext);
  });

  it('round-trips random sizes with random chunking, 1-byte chunks included', async () => {
    for (let round = 0; round < 25; round++) {
      const recordSize = [R, 1000, 17, 1][round % 4];
      const size = Math.floor(Math.random() * (recordSize === 1 ? 300 : 4 * recordSize + 10));
      const plaintext = randomBytes(size);
      const chunkMax = round % 5 === 0 ? 1 : 1 + Math.floor(Math.random() * 3 * recordSize);
      const { stored, stream } = await encrypt(plaintext, { key, fileId, recordSize }, randomChunks(plaintext, chunkMax));
      expect(stored).toHaveLength(encryptedSize(size, recordSize));
      expect(stream.plaintextBytes).toBe(size);
      expect(stream.sha256).toBe(createHash('sha256').update(plaintext).digest('hex'));
      expect(await decrypt(stored, { key, fileId, recordSize }, chunkMax)).toEqual(plaintext);
      expect(await decrypt(stored, { key, fileId, recordSize, plaintextSize: size }, chunkMax)).toEqual(plaintext);
    }
  });

  it('round-trips a whole record fed one byte at a time', async () => {
    const plaintext = randomBytes(R + 3);
    const { stored } = await encrypt(plaintext, { key, fileId }, randomChunks(plaintext, 1));
    expect(await decrypt(stored, { key, fileId }, 1)).toEqual(plaintext);
  });

  it('accepts exactly maxBytes and fails at the first byte over with PAYLOAD_TOO_LARGE', async () => {
    const limit = 2 * R + 10;
    const atLimit = randomBytes(limit);
    const stream = new EncryptStream({ key, fileId, maxBytes: limit });
    await collect(randomChunks(atLimit, 5000), stream);
    expect(stream.plaintextBytes).toBe(limit);

    const over = new EncryptStream({ key, fileId, maxBytes: limit });
    const error = await collect(randomChunks(randomBytes(limit + 1), 5000), over).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlexError);
    expect((error as PlexError).code).toBe('PAYLOAD_TOO_LARGE');
    expect((error as PlexError).message).toBe(`Le message dépasse la taille maximale autorisée (${limit} octets).`);
    expect(over.plaintextBytes).toBeLessThanOrEqual(limit);

    const empty = new EncryptStream({ key, fileId, maxBytes: 0 });
    await expect(collect([Buffer.from('x')], empty)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('stops reading the upload at the first byte over the limit', async () => {
    let produced = 0;
    const source = new Readable({
      read() {
        produced += 1000;
        this.push(Buffer.alloc(1000));
      },
    });
    await expect(collect(source, new EncryptStream({ key, fileId, maxBytes: 10_000 }))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(produced).toBeLessThan(200_000); // a few stream buffers, not an endless read
  });

  describe('detects tampering', () => {
    const recordSize = 1000;
    const size = 4 * recordSize + 123; // 5 records, the last one short
    const plaintext = randomBytes(size);
    let stored: Buffer;
    const full = recordSize + TAG_SIZE;
    const at = (i: number) => recordOffset(i, recordSize);

    const fails = async (bytes: Buffer, options: Partial<DecryptOptions> = {}) => {
      for (const plaintextSize of [undefined, size]) {
        const error = await decrypt(bytes, { key, fileId, recordSize, plaintextSize, ...options }, 700).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DecryptError);
        expect((error as Error).message).toBe('fichier chiffré corrompu ou tronqué');
      }
    };
    const flip = (offset: number) => {
      const copy = Buffer.from(stored);
      copy[offset] ^= 0x01;
      return copy;
    };

    it('setup', async () => {
      stored = (await encrypt(plaintext, { key, fileId, recordSize })).stored;
      expect(await decrypt(stored, { key, fileId, recordSize })).toEqual(plaintext);
    });
    it('a flipped byte in the header', async () => {
      await fails(flip(2));
      await fails(flip(8 + 3)); // the record size
      await fails(flip(13)); // reserved
    });
    it('a flipped byte in a record body', () => fails(flip(at(2) + 10)));
    it('a flipped byte in the last record body', () => fails(flip(at(4) + 5)));
    it('a flipped byte in a tag', () => fails(flip(at(1) + full - 1)));
    it('the last record dropped (truncation at a record boundary)', () => fails(stored.subarray(0, at(4))));
    it('truncation mid-record', async () => {
      await fails(stored.subarray(0, at(4) + 50));
      await fails(stored.subarray(0, at(2) + 500));
      await fails(stored.subarray(0, at(2) + full - 1));
      await fails(stored.subarray(0, 10));
      await fails(Buffer.alloc(0));
    });
    it('a dropped middle record', () => fails(Buffer.concat([stored.subarray(0, at(1)), stored.subarray(at(2))])));
    it('two records swapped', () =>
      fails(Buffer.concat([stored.subarray(0, at(1)), stored.subarray(at(2), at(3)), stored.subarray(at(1), at(2)), stored.subarray(at(3))])));
    it('data appended after the last record', () => fails(Buffer.concat([stored, stored.subarray(at(1), at(2))])));
    it('a record from another file with the same key', async () => {
      const other = (await encrypt(randomBytes(size), { key, fileId: randomUUID(), recordSize })).stored;
      await fails(Buffer.concat([stored.subarray(0, at(1)), other.subarray(at(1), at(2)), stored.subarray(at(2))]));
      await fails(other);
    });
    it('a wrong key', async () => {
      const error = await decrypt(stored, { key: createFileKey(), fileId, recordSize }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecryptError);
    });
    it('a range whose last record was cut short', () => {
      const range = plaintextRangeToStored(1500, 2500, size, recordSize);
      return fails(stored.subarray(range.storedStart, range.storedEnd), range);
    });
  });

  describe('ranges', () => {
    it('serves any range from just the records that hold it', async () => {
      for (const recordSize of [R, 1000, 1]) {
        const size = recordSize === 1 ? 50 : 3 * recordSize + 321;
        const plaintext = randomBytes(size);
        const { stored } = await encrypt(plaintext, { key, fileId, recordSize });
        const pairs: [number, number][] = [
          [0, 0],
          [0, size - 1],
          [size - 1, size - 1],
          [0, Math.min(recordSize, size) - 1],
          [Math.min(recordSize, size - 1), size - 1],
          [recordSize - 1, Math.min(recordSize, size - 1)], // crosses a record boundary
          [Math.max(0, recordSize - 5), Math.min(2 * recordSize + 5, size - 1)],
        ];
        for (let i = 0; i < 40; i++) {
          const a = Math.floor(Math.random() * size);
          const b = Math.floor(Math.random() * size);
          pairs.push([Math.min(a, b), Math.max(a, b)]);
        }
        for (const [start, end] of pairs) {
          const range = plaintextRangeToStored(start, end, size, recordSize);
          expect(range.storedEnd).toBeLessThan(stored.length);
          const slice = stored.subarray(range.storedStart, range.storedEnd + 1);
          const got = await decrypt(slice, { key, fileId, ...range });
          expect(got.equals(plaintext.subarray(start, end + 1))).toBe(true);
          // The same range read from the record to the end of the file, without the size.
          const { plaintextSize: _size, ...withoutSize } = range;
          const rest = await decrypt(stored.subarray(range.storedStart), { key, fileId, ...withoutSize });
          expect(rest.equals(plaintext.subarray(start, end + 1))).toBe(true);
        }
      }
    });

    it('refuses ranges outside the file', () => {
      expect(() => plaintextRangeToStored(0, 10, 10)).toThrow(RangeError);
      expect(() => plaintextRangeToStored(5, 4, 10)).toThrow(RangeError);
      expect(() => plaintextRangeToStored(-1, 4, 10)).toThrow(RangeError);
      expect(() => plaintextRangeToStored(0, 0, 0)).toThrow(RangeError);
    });

    it('reads just the header and the needed records', () => {
      const size = 10 * R;
      expect(plaintextRangeToStored(0, 0, size)).toMatchObject({ storedStart: 0, storedEnd: HEADER_SIZE + R + TAG_SIZE - 1, fromRecord: 0, skipBytes: 0, takeBytes: 1 });
      expect(plaintextRangeToStored(R + 1, 2 * R, size)).toMatchObject({
        storedStart: recordOffset(1),
        storedEnd: recordOffset(3) - 1,
        fromRecord: 1,
        skipBytes: 1,
        takeBytes: R,
      });
      expect(plaintextRangeToStored(size - 1, size - 1, size).storedEnd).toBe(encryptedSize(size) - 1);
    });
  });

  it('encrypts (and decrypts) a 200 MiB stream in bounded memory', async () => {
    const total = 200 * 1024 * 1024;
    // Views on a few random buffers: the source itself allocates nothing that grows.
    const pool = Array.from({ length: 16 }, () => randomBytes(256 * 1024));
    let produced = 0;
    const reference = createHash('sha256');
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const size = Math.min(total - produced, 1 + Math.floor(Math.random() * 256 * 1024));
        const buffer = pool[Math.floor(Math.random() * pool.length)];
        const offset = Math.floor(Math.random() * (buffer.length - size + 1));
        const chunk = buffer.subarray(offset, offset + size);
        reference.update(chunk);
        produced += size;
        this.push(chunk);
      },
    });
    const encryptStream = new EncryptStream({ key, fileId });
    let storedBytes = 0;
    const decrypted = createHash('sha256');
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    let sinceSample = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        decrypted.update(chunk);
        sinceSample += chunk.length;
        if (sinceSample >= 8 * 1024 * 1024) {
          // Collect first, so that what is measured is what the streams keep, not garbage the GC has not got to yet.
          sinceSample = 0;
          gc();
          peak = Math.max(peak, process.memoryUsage().rss);
        }
        callback();
      },
    });
    await pipeline(
      source,
      encryptStream,
      async function* (stored: AsyncIterable<Buffer>) {
        for await (const chunk of stored) {
          storedBytes += chunk.length;
          yield chunk;
        }
      },
      createDecryptStream({ key, fileId }),
      sink,
    );
    expect(storedBytes).toBe(encryptedSize(total));
    expect(encryptStream.plaintextBytes).toBe(total);
    const expected = reference.digest('hex');
    expect(encryptStream.sha256).toBe(expected);
    expect(decrypted.digest('hex')).toBe(expected);
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('RecordSealer (records written one by one, as resumable uploads do)', () => {
  it('produces exactly the stored form EncryptStream produces, record by record', async () => {
    for (const size of [0, 1, R - 1, R, R + 1, 3 * R, 3 * R + 17]) {
      const key = createFileKey();
      const fileId = randomUUID();
      const data = randomBytes(size);
      const encrypt = new EncryptStream({ key, fileId });
      const parts: Buffer[] = [];
      await pipeline(Readable.from([data]), encrypt, new Writable({ write: (chunk: Buffer, _e, done) => (parts.push(chunk), done()) }));
      const sealer = new RecordSealer(key, fileId);
      const records = recordCount(size);
      const sealed = [sealer.header];
      for (let i = 0; i < records; i++) sealed.push(...sealer.seal(i, i === records - 1, [data.subarray(i * R, Math.min(size, (i + 1) * R))]));
      expect(Buffer.concat(sealed).equals(Buffer.concat(parts))).toBe(true);
    }
  });
});
