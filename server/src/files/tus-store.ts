// The storage behind the tus endpoint (@tus/server calls it): each upload is written, as its bytes
// arrive, in the stored form of every file (record-cipher.ts) to DATA_DIR/files/uploads/<id>, so
// no plaintext byte ever reaches the disk, and a completed upload becomes a blob by a rename.
//
// Offsets. The upload's length is declared at creation (deferred lengths are refused), so record k
// is the last one exactly when it ends at that length, and can be sealed as soon as its bytes are
// in. The offset recorded in the database, and so reported by HEAD and PATCH, is what is durably
// stored: whole records, fsynced before the row is updated. A PATCH that stops inside a record
// (connection cut, server stopping) keeps the whole records before it and drops the rest, so a
// client sending chunks that are multiples of RECORD_SIZE never loses a byte on resume; a long PATCH
// also commits every COMMIT_EVERY bytes while it runs, so a crash loses at most that much.
//
// SHA-256 of the plaintext. It is computed record by record as records are sealed. Between PATCH
// requests the hash state is kept in memory (keyed by upload and offset); when it is not there (the
// server restarted, or another instance took the previous PATCH) it is recomputed by decrypting the
// stored records, which also checks they authenticate. Node cannot serialise a hash state, and a
// stored state would have to be trusted; a recompute costs one read of what is stored.
import { DataStore, ERRORS, Upload } from '@tus/server';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../infra/clock.js';
import type { Logger } from '../infra/logger.js';
import { sanitizeFileName } from './file-name.js';
import {
  ChunkQueue,
  createDecryptStream,
  createFileKey,
  RECORD_SIZE,
  RecordSealer,
  recordCount,
  recordOffset,
  unwrapFileKey,
  wrapFileKey,
} from './record-cipher.js';
import { TusUpload } from './tus-upload.entity.js';

/** Unused uploads (complete or not) are refused, then swept, this long after their creation. */
export const UPLOAD_LIFETIME_MS = 24 * 60 * 60_000;
/** Uploads a user may have in progress (created, not complete, not expired) at once. */
export const MAX_UPLOADS_IN_PROGRESS = 10;
/** Encrypted bytes gathered before one write to the file (one in flight while the next fills). */
const WRITE_BATCH = 4 * 1024 * 1024;
/** A long PATCH fsyncs and records its offset every so many plaintext bytes, without pausing. */
const COMMIT_EVERY = 64 * 1024 * 1024;
/** Hash states kept between PATCH requests (each is a few hundred bytes). */
const MAX_CACHED_HASHES = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isUploadId = (id: string | undefined): id is string => typeof id === 'string' && UUID.test(id);

/** An error the tus server turns into a response (it reads `status_code` and `body`). */
export const tusError = (status_code: number, body: string) => ({ status_code, body: `${body}\n` });

export interface TusStoreOptions {
  dir: string;
  masterKey: Buffer;
  em: EntityManager;
  clock: Clock;
  log: Logger;
  /** The authenticated user of the request being served (set by the route around each request). */
  currentOwner(): string | undefined;
}

export class EncryptedTusStore extends DataStore {
  private readonly hashes = new Map<string, { offset: number; hash: Hash }>();

  constructor(private readonly options: TusStoreOptions) {
    super();
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  }

  /** Where the stored form of upload `id` is written. */
  pathOf(id: string): string {
    if (!isUploadId(id)) throw new TypeError('An upload id is a lower-case UUID.');
    return join(this.options.dir, id);
  }

  override getExpiration(): number {
    return UPLOAD_LIFETIME_MS;
  }

  /** The upload `id` of the current user, not yet attached to a message; 404 otherwise, 410 once expired. */
  private async find(id: string): Promise<TusUpload> {
    const owner = this.options.currentOwner();
    if (!owner || !isUploadId(id)) throw ERRORS.FILE_NOT_FOUND;
    const row = await this.options.em.fork().findOne(TusUpload, { id, owner, usedAt: null });
    if (!row) throw ERRORS.FILE_NOT_FOUND;
    if (row.expiresAt.getTime() <= this.options.clock.now().getTime()) throw ERRORS.FILE_NO_LONGER_EXISTS;
    return row;
  }

  override async create(upload: Upload): Promise<Upload> {
    const owner = this.options.currentOwner();
    if (!owner) throw ERRORS.FILE_NOT_FOUND;
    if (upload.size === undefined) throw ERRORS.INVALID_LENGTH;
    if (!isUploadId(upload.id)) throw new TypeError('Upload ids are made by the server.');
    const now = this.options.clock.now();
    const fileId = randomUUID();
    const key = createFileKey();
    await this.options.em.fork().transactional(async (tx) => {
      // One creation at a time per user, so that the count below holds until the insert commits.
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`tus-uploads:${owner}`]);
      const inProgress = await tx.count(TusUpload, { owner, completedAt: null, usedAt: null, expiresAt: { $gt: now } });
      if (inProgress >= MAX_UPLOADS_IN_PROGRESS) {
        throw tusError(429, `Trop d'envois en cours (${MAX_UPLOADS_IN_PROGRESS} au plus) : terminez-en ou annulez-en un.`);
      }
      tx.create(TusUpload, {
        id: upload.id,
        fileId,
        owner,
        length: upload.size!,
        offset: 0,
        name: sanitizeFileName(upload.metadata?.filename ?? upload.metadata?.name ?? ''), // `name` is Uppy's key
        wrappedKey: wrapFileKey(this.options.masterKey, fileId, key),
        createdAt: now,
        expiresAt: new Date(now.getTime() + UPLOAD_LIFETIME_MS),
      });
    });
    upload.creation_date = now.toISOString();
    if (upload.size === 0) {
      // An empty file is one empty last record: complete at creation.
      const sealer = new RecordSealer(key, fileId);
      await this.writeWhole(this.pathOf(upload.id), [sealer.header, ...sealer.seal(0, true, [])]);
      await this.options.em.fork().nativeUpdate(TusUpload, { id: upload.id }, { completedAt: now, sha256: createHash('sha256').digest('hex') });
    }
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const row = await this.find(id);
    return new Upload({
      id,
      size: row.length,
      offset: row.offset,
      metadata: { filename: row.name },
      creation_date: row.createdAt.toISOString(),
    });
  }

  override async remove(id: string): Promise<void> {
    const row = await this.find(id);
    const removed = await this.options.em.fork().nativeDelete(TusUpload, { id: row.id, usedAt: null });
    if (!removed) throw ERRORS.FILE_NOT_FOUND;
    this.hashes.delete(id);
    await unlinkIfThere(this.pathOf(id));
  }

  override async deleteExpired(): Promise<number> {
    return 0; // the uploads service sweeps on its own schedule (FilesService.sweep)
  }

  /** Forgets the cached hash state of an upload whose bytes have moved or gone. */
  forget(id: string): void {
    this.hashes.delete(id);
  }

  /**
   * Appends the bytes of one PATCH (or of a creation with upload) at `offset`, and returns the new
   * durable offset. Whole records only, except the last record of the file.
   */
  override async write(source: Readable, id: string, offset: number): Promise<number> {
    const row = await this.find(id);
    if (row.offset !== offset) throw ERRORS.INVALID_OFFSET;
    const length = row.length;
    if (offset === length) {
      for await (const chunk of source as AsyncIterable<Buffer>) if (chunk.length > 0) throw ERRORS.ERR_SIZE_EXCEEDED;
      return offset;
    }
    if (offset % RECORD_SIZE !== 0) throw new Error(`Upload ${id} has a stored offset that is not a record boundary.`);
    const key = unwrapFileKey(this.options.masterKey, row.fileId, row.wrappedKey);
    const sealer = new RecordSealer(key, row.fileId);
    const lastIndex = recordCount(length) - 1;
    const recordLength = (i: number) => (i < lastIndex ? RECORD_SIZE : length - i * RECORD_SIZE);
    let index = offset / RECORD_SIZE;

    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.pathOf(id), offset === 0 ? 'w+' : 'r+', 0o600);
    try {
      const hash = offset === 0 ? createHash('sha256') : await this.hashAt(row, key, handle);
      // Whatever lies past the last durable record (an interrupted write) goes.
      if (offset === 0) {
        await writeAll(handle, [sealer.header], sealer.header.length, 0);
        await syncDirectory(this.options.dir); // the new file's name survives a crash like its bytes
      }
      if ((await handle.stat()).size !== recordOffset(index)) await handle.truncate(recordOffset(index));

      const queue = new ChunkQueue();
      let out: Buffer[] = [];
      let outBytes = 0;
      let position = recordOffset(index);
      let sealed = offset; // plaintext bytes sealed into records (written, or waiting in `out`)
      let committed = offset; // plaintext bytes fsynced and recorded in the row
      let lastCommitStart = offset;
      let writing: Promise<void> = Promise.resolve();
      let commits: Promise<void> = Promise.resolve();
      let syncing: Promise<void> | undefined;
      let ioError: unknown;
      let failure: unknown;

      /** Flushes written batches to the disk in the background, so the fsync of a commit has little left to do. */
      const syncInBackground = () => {
        syncing ??= handle
          .datasync()
          .catch((error: unknown) => {
            ioError ??= error;
          })
          .finally(() => {
            syncing = undefined;
          });
      };

      /** Starts writing `out` once the previous write is done (at most one write in flight). */
      const flush = async () => {
        await writing;
        if (ioError !== undefined) throw ioError;
        if (outBytes === 0) return;
        const buffers = out;
        const bytes = outBytes;
        const at = position;
        out = [];
        outBytes = 0;
        position += bytes;
        writing = writeAll(handle, buffers, bytes, at).then(syncInBackground, (error: unknown) => {
          ioError ??= error;
        });
      };

      /** Queues: wait for the writes so far, fsync, record the offset (and the digest at the end). */
      const commit = async (final: boolean) => {
        await flush();
        const written = writing;
        const upTo = sealed;
        const sha256 = final && upTo === length ? hash.digest('hex') : undefined;
        lastCommitStart = upTo;
        commits = commits
          .then(async () => {
            await written;
            if (ioError !== undefined) throw ioError;
            if (upTo === committed && !sha256) return;
            await syncing;
            await handle.datasync();
            const now = this.options.clock.now();
            const updated = await this.options.em
              .fork()
              .nativeUpdate(TusUpload, { id, offset: committed, usedAt: null }, { offset: upTo, ...(sha256 ? { sha256, completedAt: now } : {}) });
            if (updated !== 1) throw ERRORS.INVALID_OFFSET; // changed or removed meanwhile
            committed = upTo;
          })
          .catch((error: unknown) => {
            ioError ??= error;
          });
      };

      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          if (sealed + queue.length + chunk.length > length) throw ERRORS.ERR_SIZE_EXCEEDED;
          queue.push(chunk);
          while (index <= lastIndex && queue.length >= recordLength(index)) {
            const plaintext = queue.takeParts(recordLength(index));
            for (const part of plaintext) hash.update(part);
            for (const part of sealer.seal(index, index === lastIndex, plaintext)) {
              out.push(part);
              outBytes += part.length;
            }
            sealed += recordLength(index);
            index++;
          }
          if (outBytes >= WRITE_BATCH) await flush();
          if (sealed - lastCommitStart >= COMMIT_EVERY) await commit(false);
        }
      } catch (error) {
        failure = error;
      }
      // Whole records that arrived are kept even when the request broke off; a partial one is dropped.
      try {
        await commit(true);
      } catch (error) {
        ioError ??= error;
      }
      await commits;
      await writing;
      await syncing;
      if (ioError !== undefined) throw ioError;
      if (committed === length) this.hashes.delete(id);
      else this.cacheHash(id, committed, hash);
      if (failure !== undefined) throw failure;
      return committed;
    } finally {
      await handle.close();
    }
  }

  private cacheHash(id: string, offset: number, hash: Hash): void {
    this.hashes.delete(id);
    if (this.hashes.size >= MAX_CACHED_HASHES) this.hashes.delete(this.hashes.keys().next().value!);
    this.hashes.set(id, { offset, hash: hash.copy() });
  }

  /** The SHA-256 state after the first `row.offset` plaintext bytes: cached, or recomputed from the stored records. */
  private async hashAt(row: TusUpload, key: Buffer, handle: FileHandle): Promise<Hash> {
    const cached = this.hashes.get(row.id);
    if (cached && cached.offset === row.offset) return cached.hash.copy();
    const hash = createHash('sha256');
    const stored = handle.createReadStream({ start: 0, end: recordOffset(row.offset / RECORD_SIZE) - 1, autoClose: false, highWaterMark: 1024 * 1024 });
    const decrypt = createDecryptStream({ key, fileId: row.fileId, plaintextSize: row.length, takeBytes: row.offset });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback();
      },
    });
    await pipeline(stored, decrypt, sink);
    this.options.log.info({ uploadId: row.id, offset: row.offset }, 'resumed upload: fingerprint recomputed from the stored records');
    return hash;
  }

  private async writeWhole(path: string, buffers: Buffer[]): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const handle = await open(path, 'w', 0o600);
    try {
      await writeAll(handle, buffers, buffers.reduce((n, b) => n + b.length, 0), 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await syncDirectory(this.options.dir);
  }
}

/** Writes every byte of `buffers` at `position` (writev may write less than asked). */
async function writeAll(handle: FileHandle, buffers: Buffer[], bytes: number, position: number): Promise<void> {
  let remaining = buffers;
  let left = bytes;
  let at = position;
  while (left > 0) {
    const { bytesWritten } = await handle.writev(remaining, at);
    if (bytesWritten <= 0) throw new Error('Short write.');
    left -= bytesWritten;
    at += bytesWritten;
    if (left > 0) {
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const buffer of remaining) {
        if (skip >= buffer.length) skip -= buffer.length;
        else {
          rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
          skip = 0;
        }
      }
      remaining = rest;
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Not every platform can fsync a directory; Linux can.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

export async function unlinkIfThere(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
