// The storage adapter for file bytes (DESIGN.md, "Architecture"): stored files are opaque blobs
// under server-made keys. A local directory implements it by default; an S3-compatible object
// store can implement it for several instances.
import type { Readable } from 'node:stream';

/** What a blob key must look like: made by the server, never from user input. */
export const BLOB_KEY = /^[a-z0-9-]{8,100}$/;

export interface BlobStore {
  /** Streams `source` into a new blob; visible under `key` only once complete (temp file + fsync + rename). Rejects (and leaves nothing) if source errors. */
  put(key: string, source: Readable): Promise<{ bytes: number }>;
  /** A stream of the blob, or of bytes [start, end] inclusive. Rejects with BlobNotFoundError if absent. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Removes the blob and any interrupted put of the same key; idempotent. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every stored key with its last modification time (for sweeping orphans). */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /** Removes temp files of interrupted puts older than `olderThan`; returns how many. */
  sweepTemp(olderThan: Date): Promise<number>;
  /**
   * Optional: makes the complete file at `path` (already in the stored form, fsynced, on the same
   * filesystem) the blob `key` by moving it, without copying. Resolves when it is durably in place;
   * resolves too when `path` is gone because it was adopted already. Stores without it get a `put`.
   */
  adopt?(key: string, path: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No blob under key ${key}.`);
    this.name = 'BlobNotFoundError';
  }
}

/** A key that is not server-made: a programming error, never something to build a path from. */
export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`Invalid blob key: ${JSON.stringify(key).slice(0, 120)}.`);
    this.name = 'InvalidBlobKeyError';
  }
}

export function checkBlobKey(key: string): void {
  if (typeof key !== 'string' || !BLOB_KEY.test(key)) throw new InvalidBlobKeyError(key);
}

/** Checks a byte range: integers, 0 ≤ start ≤ end. */
export function checkRange(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}.`);
  }
}
