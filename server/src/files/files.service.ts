// Documents at rest: streams an upload through encryption into the blob store (never holding it
// whole), opens a stored file as plaintext (whole or a byte range), purges bytes, and sweeps what
// interrupted sends left behind.
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Clock } from '../infra/clock.js';
import type { InstanceLock } from '../infra/instance.js';
import type { Logger } from '../infra/logger.js';
import type { BlobStore } from '../infra/storage/blob-store.js';
import { createDecryptStream, createFileKey, EncryptStream, plaintextRangeToStored, unwrapFileKey, wrapFileKey } from './record-cipher.js';
import { PendingUpload } from './pending-upload.entity.js';
import { StoredFile } from './stored-file.entity.js';

export interface StoredBlob {
  id: string;
  blobKey: string;
  wrappedKey: Buffer;
  size: number;
  sha256: string;
}

/** Blobs with no file row are deleted after this long (a send in progress has a pending row). */
const ORPHAN_GRACE_MS = 60 * 60_000;
/** Temp files of puts not written to for this long belong to a dead upload. */
const TEMP_GRACE_MS = 10 * 60_000;

export class FilesService {
  constructor(
    private readonly masterKey: Buffer,
    private readonly blobs: BlobStore,
    private readonly instance: InstanceLock,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Encrypts `source` into a new blob, at most `budget` plaintext bytes (PAYLOAD_TOO_LARGE at the
   * first byte over). The blob is recorded as pending for this instance until `claimPending`.
   */
  async store(source: Readable, budget: number): Promise<StoredBlob> {
    const id = randomUUID();
    const blobKey = id;
    const key = createFileKey();
    await this.em.fork().insert(PendingUpload, { blobKey, instanceId: String(this.instance.id), startedAt: this.clock.now() });
    const encrypt = new EncryptStream({ key, fileId: id, maxBytes: budget });
    source.on('error', (error) => encrypt.destroy(error));
    encrypt.on('error', () => source.destroy());
    try {
      await this.blobs.put(blobKey, source.pipe(encrypt));
    } catch (error) {
      source.resume(); // let the rest of the request body drain
      await this.discard([blobKey]);
      throw error;
    }
    return { id, blobKey, wrappedKey: wrapFileKey(this.masterKey, id, key), size: encrypt.plaintextBytes, sha256: encrypt.sha256! };
  }

  /** In the transaction that commits the files: they are no longer pending. */
  async claimPending(tx: EntityManager, blobKeys: string[]): Promise<void> {
    if (blobKeys.length) await tx.nativeDelete(PendingUpload, { blobKey: { $in: blobKeys } });
  }

  /** Deletes blobs of a send that failed, and their pending rows. */
  async discard(blobKeys: string[]): Promise<void> {
    for (const blobKey of blobKeys) {
      try {
        await this.blobs.delete(blobKey);
        await this.em.fork().nativeDelete(PendingUpload, { blobKey });
      } catch (error) {
        this.log.warn({ err: error, blobKey }, 'could not discard a blob; the sweeper will');
      }
    }
  }

  /**
   * The plaintext of `file`, or of bytes [start, end] of it. Errors (DecryptError) when any record
   * fails to authenticate, so a response built on it is aborted, never completed with bad bytes.
   */
  async open(file: StoredFile, range?: { start: number; end: number }): Promise<Readable> {
    const key = unwrapFileKey(this.masterKey, file.id, file.wrappedKey);
    if (file.size === 0 || !range) {
      const stored = await this.blobs.get(file.blobKey);
      const decrypt = createDecryptStream({ key, fileId: file.id, plaintextSize: file.size });
      stored.on('error', (error) => decrypt.destroy(error));
      return stored.pipe(decrypt);
    }
    const span = plaintextRangeToStored(range.start, range.end, file.size);
    const stored = await this.blobs.get(file.blobKey, { start: span.storedStart, end: span.storedEnd });
    const decrypt = createDecryptStream({ key, fileId: file.id, fromRecord: span.fromRecord, skipBytes: span.skipBytes, takeBytes: span.takeBytes, plaintextSize: file.size });
    stored.on('error', (error) => decrypt.destroy(error));
    return stored.pipe(decrypt);
  }

  /** Removes the bytes of every file of a message now; a failure is left for the expiry sweeper. */
  async purgeMessage(em: EntityManager, messageId: string): Promise<boolean> {
    const files = await em.fork().find(StoredFile, { message: messageId, purgedAt: null });
    let all = true;
    for (const file of files) {
      try {
        await this.blobs.delete(file.blobKey);
        await em.fork().nativeUpdate(StoredFile, { id: file.id }, { purgedAt: this.clock.now() });
      } catch (error) {
        all = false;
        this.log.warn({ err: error, fileId: file.id }, 'could not purge a file; will retry');
      }
    }
    return all;
  }

  private sweeper: NodeJS.Timeout | undefined;
  private readonly otherSweeps: (() => Promise<unknown>)[] = [];

  /** Other stored bytes swept on the same schedule (resumable uploads). */
  alsoSweep(sweep: () => Promise<unknown>): void {
    this.otherSweeps.push(sweep);
  }

  /** Sweeps now (temp files of a crashed run included), then every `intervalMs`. */
  startSweeping(intervalMs = 10 * 60_000): void {
    const run = (tempGraceMs: number) =>
      this.sweep(tempGraceMs).catch((error: unknown) => this.log.error({ err: error }, 'sweep failed'));
    // At start no put of this process is running; one written to in the last 30 s may be another instance's.
    void run(30_000);
    this.sweeper = setInterval(() => void run(TEMP_GRACE_MS), intervalMs);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Removes what interrupted sends left: blobs pending for an instance that is gone, blobs that
   * no file row references after a grace period, and stale temp files of the store; then runs
   * the sweeps registered with alsoSweep (expired resumable uploads).
   */
  async sweep(tempGraceMs = TEMP_GRACE_MS): Promise<{ blobs: number; temp: number }> {
    const em = this.em.fork();
    let blobs = 0;
    const pending = await em.find(PendingUpload, {});
    const abandoned = new Map<string, boolean>();
    for (const row of pending) {
      if (!abandoned.has(row.instanceId)) abandoned.set(row.instanceId, await this.instance.isAbandoned(Number(row.instanceId)));
      if (!abandoned.get(row.instanceId)) continue;
      await this.blobs.delete(row.blobKey);
      await em.nativeDelete(PendingUpload, { blobKey: row.blobKey });
      blobs++;
    }
    const pendingKeys = new Set(pending.map((p) => p.blobKey));
    const graceLimit = this.clock.now().getTime() - ORPHAN_GRACE_MS;
    for await (const blob of this.blobs.list()) {
      if (pendingKeys.has(blob.key) || blob.modifiedAt.getTime() > graceLimit) continue;
      const referenced = await em.count(StoredFile, { blobKey: blob.key, purgedAt: null });
      if (referenced) continue;
      await this.blobs.delete(blob.key);
      blobs++;
    }
    const temp = await this.blobs.sweepTemp(new Date(Date.now() - tempGraceMs));
    if (blobs || temp) this.log.info({ blobs, temp }, 'swept abandoned uploads');
    for (const other of this.otherSweeps) await other();
    return { blobs, temp };
  }
}
