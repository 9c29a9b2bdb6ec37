import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobNotFoundError, InvalidBlobKeyError } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Files under `dir`, recursively, relative to it. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'plex-blobs-'));
    store = new LocalBlobStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('adopts a finished file by moving it into place, and again without error once moved', async () => {
    const data = randomBytes(5000);
    const source = join(root, 'uploads-file');
    writeFileSync(source, data);
    await store.adopt('blob-adopted', source);
    expect(await readAll(await store.get('blob-adopted'))).toEqual(data);
    expect(filesUnder(root)).toEqual(['blobs/bl/blob-adopted']);
    await store.adopt('blob-adopted', source);
    await expect(store.adopt('blob-never', source)).rejects.toThrow(/ENOENT/);
  });

  it('puts, gets, reads ranges, lists and deletes', async () => {
    const data = randomBytes(300_000);
    expect(await store.exists('blob-0001')).toBe(false);
    expect(await store.put('blob-0001', Readable.from([data.subarray(0, 1000), data.subarray(1000)]))).toEqual({ bytes: data.length });
    expect(await store.exists('blob-0001')).toBe(true);
    expect(await readAll(await store.get('blob-0001'))).toEqual(data);
    expect(await readAll(await store.get('blob-0001', { start: 0, end: 0 }))).toEqual(data.subarray(0, 1));
    expect(await readAll(await store.get('blob-0001', { start: 12_345, end: 200_000 }))).toEqual(data.subarray(12_345, 200_001));
    expect(await readAll(await store.get('blob-0001', { start: data.length - 1, end: data.length - 1 }))).toEqual(data.subarray(-1));
    await expect(store.get('blob-0001', { start: 0, end: data.length })).rejects.toThrow(RangeError);
    await expect(store.get('blob-0001', { start: 5, end: 4 })).rejects.toThrow(RangeError);

    // Layout and permissions.
    expect(filesUnder(root)).toEqual([join('blobs', 'bl', 'blob-0001')]);
    expect(statSync(join(root, 'blobs', 'bl', 'blob-0001')).mode & 0o777).toBe(0o600);

    await store.put('other-key-2', Readable.from([]));
    expect(await readAll(await store.get('other-key-2'))).toEqual(Buffer.alloc(0));
    const listed = [];
    for await (const entry of store.list()) listed.push(entry);
    expect(listed.map((entry) => entry.key).sort()).toEqual(['blob-0001', 'other-key-2']);
    for (const entry of listed) {
      expect(entry.modifiedAt).toBeInstanceOf(Date);
      expect(Math.abs(entry.modifiedAt.getTime() - Date.now())).toBeLessThan(60_000);
    }

    // A second put under the same key replaces the blob whole.
    await store.put('other-key-2', Readable.from([Buffer.from('again')]));
    expect(await text(await store.get('other-key-2'))).toBe('again');

    await store.delete('blob-0001');
    await store.delete('blob-0001'); // idempotent
    expect(await store.exists('blob-0001')).toBe(false);
    await expect(store.get('blob-0001')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get('never-stored')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('lists nothing when empty', async () => {
    const listed = [];
    for await (const entry of store.list()) listed.push(entry);
    expect(listed).toEqual([]);
    expect(await store.sweepTemp(new Date())).toBe(0);
  });

  it('leaves no blob and no temp file when the source errors halfway', async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= 5) {
          this.destroy(new Error('upload cut'));
          return;
        }
        sent++;
        this.push(randomBytes(64 * 1024));
      },
    });
    await expect(store.put('broken-blob', source)).rejects.toThrow('upload cut');
    expect(await store.exists('broken-blob')).toBe(false);
    expect(filesUnder(root)).toEqual([]);
  });

  it('survives a source that fails before the file is even open', async () => {
    const source = new Readable({ read() {} });
    const put = store.put('early-fail', source);
    source.destroy(new Error('failed at once'));
    await expect(put).rejects.toThrow('failed at once');
    expect(filesUnder(root)).toEqual([]);
  });

  it.each(['../x', 'a/b', '', 'UPPERCASE-KEY', 'short', '../../../../etc/passwd', 'blob-0001/../../x', 'with space-1', 'x'.repeat(101), 'dot.in.key'])(
    'refuses the key %j',
    async (key) => {
      const source = Readable.from([Buffer.from('x')]);
      await expect(store.put(key, source)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.exists(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      expect(filesUnder(root)).toEqual([]);
    },
  );

  it('sweeps old temp files only', async () => {
    await store.put('keep-this-blob', Readable.from([Buffer.from('kept')]));
    const tmp = join(root, 'tmp');
    const hourAgo = new Date(Date.now() - 3600_000);
    writeFileSync(join(tmp, 'old-1.tmp'), 'x');
    writeFileSync(join(tmp, 'old-2.tmp'), 'x');
    writeFileSync(join(tmp, 'fresh.tmp'), 'x');
    utimesSync(join(tmp, 'old-1.tmp'), hourAgo, hourAgo);
    utimesSync(join(tmp, 'old-2.tmp'), hourAgo, hourAgo);
    expect(await store.sweepTemp(new Date(Date.now() - 60_000))).toBe(2);
    expect(readdirSync(tmp)).toEqual(['fresh.tmp']);
    expect(await text(await store.get('keep-this-blob'))).toBe('kept');
  });

  it('puts 100 MiB in bounded memory', async () => {
    const total = 100 * 1024 * 1024;
    // Views on a few random buffers: the source itself allocates nothing that grows.
    const pool = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
    setFlagsFromString('--expose-gc'); // vitest workers do not start with it
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    let produced = 0;
    let sinceSample = 0;
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const size = Math.min(total - produced, 1 + Math.floor(Math.random() * 256 * 1024));
        const buffer = pool[Math.floor(Math.random() * pool.length)];
        const offset = Math.floor(Math.random() * (buffer.length - size + 1));
        produced += size;
        sinceSample += size;
        if (sinceSample >= 8 * 1024 * 1024) {
          // Collect first, so that what is measured is what the store keeps, not garbage the GC has not got to yet.
          sinceSample = 0;
          gc();
          peak = Math.max(peak, process.memoryUsage().rss);
        }
        this.push(buffer.subarray(offset, offset + size));
      },
    });
    expect(await store.put('big-blob-1', source)).toEqual({ bytes: total });
    expect(statSync(join(root, 'blobs', 'bi', 'big-blob-1')).size).toBe(total);
    expect(peak - before).toBeLessThan(30 * 1024 * 1024);
  });
});
