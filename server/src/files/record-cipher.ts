// Encryption of stored files at rest (DESIGN.md rule 12, SECURITY.md "Files"): each file has its
// own random key, wrapped by the master key, and is stored as a fixed header followed by
// AES-256-GCM records. Every record's associated data binds the header, the file id, the record
// index and a last-record flag, so flipping, truncating, dropping, reordering or swapping records
// (or whole files) is detected. Both directions stream: neither ever holds more than about one
// record plus one incoming chunk.
//
// Stored form:
//   header (16)  = "PLXF" ‖ version 1 ‖ 3 zero bytes ‖ record size (uint32 BE) ‖ 4 zero bytes
//   record i     = AES-256-GCM(plaintext[i·R, (i+1)·R)) ‖ tag (16)
//   nonce        = 4 zero bytes ‖ i (uint64 BE)   — unique because a key encrypts exactly one file
//   AAD          = header ‖ fileId (16 raw bytes) ‖ i (uint64 BE) ‖ last-flag (1 byte)
// Every record but the last holds exactly R plaintext bytes; the last holds 0..R (an empty file
// is one empty last record; a file of k·R bytes is k full records).
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type Hash, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { payloadTooLarge } from '../errors.js';
import { seal, unseal } from '../infra/seal.js';

export const RECORD_SIZE = 64 * 1024;
export const HEADER_SIZE = 16;
export const TAG_SIZE = 16;
const KEY_SIZE = 32;
const FORMAT_VERSION = 1;
/** Bounds the memory one stream may hold; also refuses nonsense record sizes. */
const MAX_RECORD_SIZE = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Keys

/** A fresh random key for one file. */
export function createFileKey(): Buffer {
  return randomBytes(KEY_SIZE);
}

/** The file key sealed under the master key, bound to the file id (a wrapped key cannot be moved to another file). */
export function wrapFileKey(masterKey: Buffer, fileId: string, key: Buffer): Buffer {
  if (key.length !== KEY_SIZE) throw new TypeError('A file key is 32 bytes.');
  return seal(masterKey, key, `file-key:${fileId}`);
}

/** Throws when the wrapped key was altered, belongs to another file or another master key. */
export function unwrapFileKey(masterKey: Buffer, fileId: string, wrapped: Buffer): Buffer {
  const key = unseal(masterKey, wrapped, `file-key:${fileId}`);
  if (key.length !== KEY_SIZE) throw new TypeError('A file key is 32 bytes.');
  return key;
}

// ---------------------------------------------------------------------------------------------
// Sizes and ranges

function checkRecordSize(recordSize: number): void {
  if (!Number.isSafeInteger(recordSize) || recordSize < 1 || recordSize > MAX_RECORD_SIZE) {
    throw new RangeError(`Invalid record size: ${recordSize}.`);
  }
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`Invalid ${name}: ${value}.`);
}

/** How many records a file of `plaintextSize` bytes is stored in (at least one). */
export function recordCount(plaintextSize: number, recordSize = RECORD_SIZE): number {
  checkSize('plaintext size', plaintextSize);
  checkRecordSize(recordSize);
  return Math.max(1, Math.ceil(plaintextSize / recordSize));
}

/** Exact size of the stored form of a file of `plaintextSize` bytes. */
export function encryptedSize(plaintextSize: number, recordSize = RECORD_SIZE): number {
  return HEADER_SIZE + plaintextSize + TAG_SIZE * recordCount(plaintextSize, recordSize);
}

/** The inverse of encryptedSize; throws a RangeError for a size no file can have been stored in. */
export function plaintextSizeOf(storedSize: number, recordSize = RECORD_SIZE): number {
  checkSize('stored size', storedSize);
  checkRecordSize(recordSize);
  const body = storedSize - HEADER_SIZE;
  const full = recordSize + TAG_SIZE;
  const fullRecords = Math.floor(body / full);
  const rest = body - fullRecords * full;
  if (body >= TAG_SIZE) {
    // A non-empty file whose size is a multiple of R ends with a full record, never an empty one.
    if (rest === 0) return fullRecords * recordSize;
    if (rest > TAG_SIZE || (rest === TAG_SIZE && fullRecords === 0)) return fullRecords * recordSize + rest - TAG_SIZE;
  }
  throw new RangeError(`No file is stored in ${storedSize} bytes.`);
}

/** Byte offset of record `index` in the stored form. */
export function recordOffset(index: number, recordSize = RECORD_SIZE): number {
  return HEADER_SIZE + index * (recordSize + TAG_SIZE);
}

export interface StoredRange {
  /** First stored byte to read (0 when the range starts in record 0: the header is read and checked too). */
  storedStart: number;
  /** Last stored byte to read, inclusive (the tag of the record holding the last wanted byte). */
  storedEnd: number;
  fromRecord: number;
  /** Plaintext bytes to drop from the start of record `fromRecord`. */
  skipBytes: number;
  /** Plaintext bytes to produce. */
  takeBytes: number;
  plaintextSize: number;
  recordSize: number;
}

/**
 * What to read from storage, and how to decrypt it, to serve plaintext bytes [start, endInclusive].
 * The result spreads into createDecryptStream's options: `createDecryptStream({ key, fileId, ...range })`.
 */
export function plaintextRangeToStored(
  start: number,
  endInclusive: number,
  plaintextSize: number,
  recordSize = RECORD_SIZE,
): StoredRange {
  checkSize('plaintext size', plaintextSize);
  checkRecordSize(recordSize);
  checkSize('range start', start);
  checkSize('range end', endInclusive);
  if (start > endInclusive || endInclusive >= plaintextSize) {
    throw new RangeError(`Range ${start}-${endInclusive} is outside a file of ${plaintextSize} bytes.`);
  }
  const fromRecord = Math.floor(start / recordSize);
  const toRecord = Math.floor(endInclusive / recordSize);
  const toRecordLength = Math.min(recordSize, plaintextSize - toRecord * recordSize);
  return {
    storedStart: fromRecord === 0 ? 0 : recordOffset(fromRecord, recordSize),
    storedEnd: recordOffset(toRecord, recordSize) + toRecordLength + TAG_SIZE - 1,
    fromRecord,
    skipBytes: start - fromRecord * recordSize,
    takeBytes: endInclusive - start + 1,
    plaintextSize,
    recordSize,
  };
}

// ---------------------------------------------------------------------------------------------
// Records

/** The header is fully determined by the record size, so a reader starting mid-file rebuilds it. */
function fileHeader(recordSize: number): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.write('PLXF', 0, 'ascii');
  header[4] = FORMAT_VERSION;
  header.writeUInt32BE(recordSize, 8);
  return header;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fileIdBytes(fileId: string): Buffer {
  if (!UUID.test(fileId)) throw new TypeError('A file id is a UUID.');
  return Buffer.from(fileId.replaceAll('-', ''), 'hex');
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function associatedData(header: Buffer, id: Buffer, index: number, last: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = last ? 1 : 0;
  return Buffer.concat([header, id, tail]);
}

/**
 * A FIFO of incoming chunks that hands out exact-length runs of bytes as views on the chunks:
 * 1-byte writes stay linear, and big writes are not copied (garbage that the GC collects lazily
 * is what drives a stream's memory up).
 */
export class ChunkQueue {
  private chunks: (Buffer | undefined)[] = [];
  private head = 0; // index of the first unread chunk; those before it are released
  private offset = 0; // bytes already read from chunks[head]
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns the first `n` bytes (n ≤ length), as one buffer. */
  take(n: number): Buffer {
    const parts = this.takeParts(n);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }

  /** Removes and returns the first `n` bytes (n ≤ length), as consecutive views. */
  takeParts(n: number): Buffer[] {
    const parts: Buffer[] = [];
    let needed = n;
    while (needed > 0) {
      const chunk = this.chunks[this.head]!;
      const available = chunk.length - this.offset;
      const used = Math.min(available, needed);
      parts.push(chunk.subarray(this.offset, this.offset + used));
      needed -= used;
      if (used === available) {
        this.chunks[this.head] = undefined; // let consumed input be collected
        this.head++;
        this.offset = 0;
      } else {
        this.offset += used;
      }
    }
    if (this.head > 1024 || this.head === this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.length -= n;
    return parts;
  }
}

// ---------------------------------------------------------------------------------------------
// Encryption

export interface EncryptOptions {
  key: Buffer;
  /** The file's UUID, bound into every record. */
  fileId: string;
  /** More plaintext bytes than this fail the stream with PAYLOAD_TOO_LARGE as soon as they arrive. */
  maxBytes?: number;
  /** The error for going over maxBytes, when the caller wants to word it (e.g. naming the message's total limit). */
  tooLarge?: () => Error;
  recordSize?: number;
}

/**
 * Plaintext in, stored form out. After `finish`, `sha256` (hex) and `plaintextBytes` describe the
 * plaintext. A full record is held back until more input arrives or the input ends, because only
 * then is it known whether it is the last one.
 */
export class EncryptStream extends Transform {
  sha256: string | undefined;
  plaintextBytes = 0;

  /** A KeyObject: a Buffer key is imported again by every createCipheriv (measured: most of a record's set-up cost). */
  private readonly key: KeyObject;
  private readonly id: Buffer;
  private readonly header: Buffer;
  private readonly recordSize: number;
  private readonly maxBytes: number;
  private readonly tooLarge: () => Error;
  private readonly hash: Hash = createHash('sha256');
  private readonly pending = new ChunkQueue();
  private index = 0;
  private headerSent = false;

  constructor(options: EncryptOptions) {
    super();
    const recordSize = options.recordSize ?? RECORD_SIZE;
    checkRecordSize(recordSize);
    if (options.key.length !== KEY_SIZE) throw new TypeError('A file key is 32 bytes.');
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    checkSize('maxBytes', maxBytes);
    this.key = createSecretKey(options.key);
    this.id = fileIdBytes(options.fileId);
    this.recordSize = recordSize;
    this.header = fileHeader(recordSize);
    this.maxBytes = maxBytes;
    this.tooLarge = options.tooLarge ?? (() => payloadTooLarge(maxBytes));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.plaintextBytes + chunk.length > this.maxBytes) {
      callback(this.tooLarge());
      return;
    }
    this.plaintextBytes += chunk.length;
    this.hash.update(chunk);
    this.pending.push(chunk);
    try {
      // Strictly more than a record buffered: the first record is followed by data, so not last.
      while (this.pending.length > this.recordSize) this.pushRecord(this.pending.takeParts(this.recordSize), false);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.pushRecord(this.pending.takeParts(this.pending.length), true);
      this.sha256 = this.hash.digest('hex');
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private pushRecord(plaintext: Buffer[], last: boolean): void {
    if (!this.headerSent) {
      this.push(this.header);
      this.headerSent = true;
    }
    for (const part of sealRecord(this.key, this.header, this.id, this.index, last, plaintext)) this.push(part);
    this.index++;
  }
}

function sealRecord(key: KeyObject, header: Buffer, id: Buffer, index: number, last: boolean, plaintext: Buffer[]): Buffer[] {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index));
  cipher.setAAD(associatedData(header, id, index, last));
  const out = plaintext.map((part) => cipher.update(part));
  const final = cipher.final(); // empty for GCM, kept in case
  if (final.length > 0) out.push(final);
  out.push(cipher.getAuthTag());
  return out;
}

/**
 * Record by record encryption for writers that place records themselves (resumable uploads: the
 * file's size is known in advance, so each record's last-flag is known when its bytes arrive, and
 * writing can restart at any record). Produces exactly what EncryptStream produces.
 */
export class RecordSealer {
  /** The stored form's first HEADER_SIZE bytes. */
  readonly header: Buffer;
  private readonly id: Buffer;
  private readonly key: KeyObject;

  constructor(
    key: Buffer,
    fileId: string,
    readonly recordSize = RECORD_SIZE,
  ) {
    checkRecordSize(recordSize);
    if (key.length !== KEY_SIZE) throw new TypeError('A file key is 32 bytes.');
    this.key = createSecretKey(key);
    this.id = fileIdBytes(fileId);
    this.header = fileHeader(recordSize);
  }

  /** Record `index` (stored at recordOffset(index)): the ciphertext of `plaintext`, then its tag. */
  seal(index: number, last: boolean, plaintext: Buffer[]): Buffer[] {
    checkSize('record index', index);
    return sealRecord(this.key, this.header, this.id, index, last, plaintext);
  }
}

// ---------------------------------------------------------------------------------------------
// Decryption

/** The stored bytes do not decrypt to a whole file: altered, truncated, reordered, swapped or wrong key. */
export class DecryptError extends Error {
  /** What failed, for logs only. */
  readonly detail: string;
  constructor(detail: string) {
    super('fichier chiffré corrompu ou tronqué');
    this.name = 'DecryptError';
    this.detail = detail;
  }
}

export interface DecryptOptions {
  key: Buffer;
  fileId: string;
  /** Index of the first record in the input; the input holds the header only when this is 0. */
  fromRecord?: number;
  /** Plaintext bytes to drop from the start of record `fromRecord`. */
  skipBytes?: number;
  /** Plaintext bytes to produce (all the rest when absent). */
  takeBytes?: number;
  /**
   * The file's plaintext size when known (it is kept with the file's metadata). With it, each
   * record's length and last-flag are known in advance, and the input may stop right after the
   * record holding the last wanted byte (a Range read). Without it, the input must run to the
   * end of the file: the record at the end of the input is taken as the last.
   */
  plaintextSize?: number;
  recordSize?: number;
}

/**
 * Stored bytes in, plaintext out. The input is the stored form from the header when `fromRecord`
 * is 0, else from the start of record `fromRecord` (the header is then rebuilt from the record
 * size rather than read: it carries nothing else). Plaintext is only released once its record's
 * tag has been verified; any failure errors the stream with a DecryptError, so a download is
 * aborted rather than completed with bad bytes.
 */
export function createDecryptStream(options: DecryptOptions): Transform {
  const recordSize = options.recordSize ?? RECORD_SIZE;
  checkRecordSize(recordSize);
  if (options.key.length !== KEY_SIZE) throw new TypeError('A file key is 32 bytes.');
  const key = createSecretKey(options.key);
  const id = fileIdBytes(options.fileId);
  const header = fileHeader(recordSize);
  const fromRecord = options.fromRecord ?? 0;
  let skip = options.skipBytes ?? 0;
  let take = options.takeBytes ?? Number.POSITIVE_INFINITY;
  checkSize('fromRecord', fromRecord);
  checkSize('skipBytes', skip);
  if (options.takeBytes !== undefined) checkSize('takeBytes', options.takeBytes);

  const size = options.plaintextSize;
  let records: number | undefined; // the file's record count, when its size is known
  let lastNeeded: number | undefined; // the last record the input must contain, when known
  if (size !== undefined) {
    records = recordCount(size, recordSize);
    const firstByte = fromRecord * recordSize + skip;
    const wanted = Math.min(take, size - firstByte);
    if (fromRecord >= records || firstByte > size || (firstByte === size && size > 0)) {
      throw new RangeError('The decrypt range starts past the end of the file.');
    }
    take = Math.max(0, wanted);
    lastNeeded = take === 0 ? fromRecord : Math.floor((firstByte + take - 1) / recordSize);
  }

  const full = recordSize + TAG_SIZE;
  const pending = new ChunkQueue();
  let index = fromRecord;
  let headerChecked = fromRecord > 0;
  let done = false; // every needed record was verified; further input is the rest of the file

  const storedLength = (i: number): number => Math.min(recordSize, size! - i * recordSize) + TAG_SIZE;

  /** Takes the next record (`storedBytes` long, tag included) off the queue and verifies it. */
  function openRecord(storedBytes: number, last: boolean): Buffer[] {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index));
    decipher.setAAD(associatedData(header, id, index, last));
    const body = pending.takeParts(storedBytes - TAG_SIZE);
    decipher.setAuthTag(pending.take(TAG_SIZE));
    const plaintext: Buffer[] = [];
    try {
      for (const part of body) plaintext.push(decipher.update(part));
      plaintext.push(decipher.final());
    } catch {
      throw new DecryptError(`record ${index} does not authenticate`);
    }
    index++;
    return plaintext;
  }

  function emit(stream: Transform, plaintext: Buffer[]): void {
    for (let out of plaintext) {
      if (skip > 0) {
        const dropped = Math.min(skip, out.length);
        out = out.subarray(dropped);
        skip -= dropped;
      }
      if (out.length > take) out = out.subarray(0, take);
      take -= out.length;
      if (out.length > 0) stream.push(out);
    }
  }

  /** Decrypts every record the queue holds that is known to be complete. */
  function drain(stream: Transform): void {
    if (!headerChecked) {
      if (pending.length < HEADER_SIZE) return;
      if (!pending.take(HEADER_SIZE).equals(header)) throw new DecryptError('bad header');
      headerChecked = true;
    }
    if (records !== undefined) {
      while (!done && pending.length >= storedLength(index)) {
        const last = index === records - 1;
        emit(stream, openRecord(storedLength(index), last));
        if (index > lastNeeded!) done = true;
      }
      if (done && pending.length > 0) {
        // Past the final record nothing may follow; past a needed middle record it is the rest of the file.
        if (index === records) throw new DecryptError('data after the last record');
        pending.takeParts(pending.length);
      }
    } else {
      // A full record followed by more data cannot be the last one.
      while (pending.length > full) emit(stream, openRecord(full, false));
    }
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        pending.push(chunk);
        drain(this);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        if (!headerChecked) throw new DecryptError('truncated header');
        if (records !== undefined) {
          if (!done) throw new DecryptError(`truncated at record ${index}`);
        } else {
          // Whatever remains must be the last record, not nothing: ending on a boundary means the last record was dropped.
          if (pending.length < TAG_SIZE) throw new DecryptError(`truncated at record ${index}`);
          emit(this, openRecord(pending.length, true));
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
