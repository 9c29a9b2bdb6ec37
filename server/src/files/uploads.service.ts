// Resumable uploads (tus 1.0: core, creation, creation-with-upload, termination, expiration) at
// PUBLIC_URL/uploads, served by @tus/server over EncryptedTusStore; what sendMessage needs to attach
// completed uploads to a message; and the sweep of expired ones.
//
// Attaching (sendMessage): before anything is stored, the uploads are checked (the sender's,
// complete, unused, not expired); the send's transaction marks them used with a conditional update
// (so one upload can never go into two messages) and creates the stored files pointing at blob key
// = file id; after the commit the encrypted file is renamed into the blob store. If the send fails,
// the transaction rolls back and nothing has moved: the upload stays usable until it expires. If the
// process dies between the commit and the rename, the sweep finishes the rename (a used row whose
// file is still under uploads/), so the commit is the one point of decision.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ERRORS, Server, StreamLimiter, type CancellationContext, type Upload } from '@tus/server';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { badInput, notFound, parseId } from '../errors.js';
import type { Clock } from '../infra/clock.js';
import type { Logger } from '../infra/logger.js';
import type { BlobStore } from '../infra/storage/blob-store.js';
import { EncryptedTusStore, isUploadId, unlinkIfThere } from './tus-store.js';
import { TusUpload } from './tus-upload.entity.js';

/** A completed upload being attached to a message. */
export interface AttachedUpload {
  id: string;
  fileId: string;
  name: string;
  size: number;
  sha256: string;
  wrappedKey: Buffer;
}

/** Files under uploads/ with no row are removed after this long (a row is always inserted first). */
const ORPHAN_FILE_GRACE_MS = 60 * 60_000;

export class UploadsService {
  readonly dir: string;
  readonly store: EncryptedTusStore;
  private readonly tus: Server;
  private readonly owner = new AsyncLocalStorage<string>();

  constructor(
    config: Config,
    private readonly clock: Clock,
    private readonly em: EntityManager,
    private readonly blobs: BlobStore,
    private readonly log: Logger,
  ) {
    this.dir = join(config.dataDir, 'files', 'uploads');
    this.store = new EncryptedTusStore({ dir: this.dir, masterKey: config.masterKey, em, clock, log, currentOwner: () => this.owner.getStore() });
    this.tus = new Server({
      path: '/uploads',
      datastore: this.store,
      maxSize: config.maxMessageBytes,
      // Upload URLs are built from PUBLIC_URL, never from the request's Host.
      generateUrl: (_req, { id }) => new URL(`/uploads/${id}`, config.publicUrl).toString(),
      getFileIdFromRequest: (_req, lastPath) => (isUploadId(lastPath) ? lastPath : undefined),
      namingFunction: () => randomUUID(),
      allowedOrigins: [config.publicUrl.origin],
      onResponseError: (_req, error) => {
        if ('status_code' in error) return undefined; // a protocol answer (404, 409, 413…)
        this.log.error({ err: error }, 'tus request failed');
        // Never the internal message (the default body appends it).
        return { status_code: 500, body: "Erreur lors de l'envoi.\n" };
      },
    });
    this.readBodiesDirectly();
  }

  /**
   * @tus/server 2 reads a request body as a web stream made from the Node request (srvx's
   * `Readable.toWeb`, which copies every chunk and pauses/resumes the socket for each), then turns
   * it back into a Node stream: a large share of the CPU of an upload in the profile. The PATCH and
   * POST handlers get the Node request itself as `body` instead, and `writeToStore` (same contract:
   * limit, graceful end when the request is cancelled or aborted) pipes it straight to the store.
   * Tied to @tus/server 2.4.5 internals (pinned); uploads.test.ts covers every path through it.
   */
  private readBodiesDirectly(): void {
    for (const handler of [this.tus.handlers.PATCH, this.tus.handlers.POST]) {
      const send = handler.send.bind(handler);
      handler.send = (req: Request, context: CancellationContext, headers?: Headers) => {
        const node = (req as Request & { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
        if (!node) throw new Error('The tus server is expected to run on Node requests.');
        Object.defineProperty(req, 'body', { value: node, configurable: true });
        return send(req, context, headers);
      };
      (handler as unknown as { writeToStore: (body: unknown, upload: Upload, max: number, context: CancellationContext) => Promise<number> }).writeToStore = (body, upload, max, context) =>
        this.writeBody(body as IncomingMessage, upload, max, context);
    }
  }

  private async writeBody(source: IncomingMessage, upload: Upload, maxBodySize: number, context: CancellationContext): Promise<number> {
    if (context.signal.aborted) throw ERRORS.ABORTED;
    const limiter = new StreamLimiter(maxBodySize);
    limiter.on('error', () => {}); // reaches the store through its reading of `limiter`
    // A cancelled request (another request wants the upload's lock) or an aborted one (client gone)
    // ends the body where it is: the store keeps the whole records received so far.
    const end = () => {
      source.unpipe(limiter);
      if (!limiter.destroyed && !limiter.writableEnded) limiter.end();
    };
    const onClose = () => {
      if (!source.complete) end();
    };
    context.signal.addEventListener('abort', end, { once: true });
    source.once('close', onClose);
    source.pipe(limiter);
    try {
      return await this.store.write(limiter, upload.id, upload.offset);
    } finally {
      context.signal.removeEventListener('abort', end);
      source.off('close', onClose);
      source.unpipe(limiter);
      if (!limiter.destroyed) limiter.destroy();
    }
  }

  /** Serves one tus request of an authenticated user (the route checked origin, header and ownership). */
  handle(ownerId: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    return ownerId ? this.owner.run(ownerId, () => this.tus.handle(req, res)) : this.tus.handle(req, res);
  }

  /** True when `id` is an upload of `ownerId` not yet attached to a message. */
  async owns(ownerId: string, id: string): Promise<boolean> {
    if (!isUploadId(id)) return false;
    return (await this.em.fork().count(TusUpload, { id, owner: ownerId, usedAt: null })) === 1;
  }

  /**
   * Before any byte of a send is stored: the sender's completed, unused uploads `ids`, in order.
   * Another user's (or an unknown) id is NOT_FOUND; an incomplete or used one is BAD_USER_INPUT.
   */
  async forSend(em: EntityManager, ownerId: string, ids: string[]): Promise<AttachedUpload[]> {
    const parsed = ids.map((id) => parseId(id, { fr: 'Envoi de fichier introuvable.', en: 'File upload not found.' }));
    if (new Set(parsed).size !== parsed.length) throw badInput({ fr: 'Un même envoi de fichier ne peut être joint deux fois.', en: 'The same file upload cannot be attached twice.' }, { field: 'uploads' });
    if (parsed.length === 0) return [];
    const rows = new Map((await em.fork().find(TusUpload, { id: { $in: parsed }, owner: ownerId })).map((row) => [row.id, row]));
    const now = this.clock.now().getTime();
    return parsed.map((id) => {
      const row = rows.get(id);
      if (!row || row.expiresAt.getTime() <= now) throw notFound({ fr: 'Envoi de fichier introuvable ou expiré.', en: 'File upload not found or expired.' });
      if (row.usedAt) throw badInput({ fr: 'Cet envoi de fichier est déjà joint à un message.', en: 'This file upload is already attached to a message.' }, { field: 'uploads', upload: id });
      if (!row.completedAt || row.sha256 == null) throw badInput({ fr: "Cet envoi de fichier n'est pas terminé.", en: 'This file upload is not complete.' }, { field: 'uploads', upload: id });
      return { id: row.id, fileId: row.fileId, name: row.name, size: row.length, sha256: row.sha256, wrappedKey: row.wrappedKey };
    });
  }

  /** In the send's transaction: marks the uploads used, or refuses if any was used or expired meanwhile. */
  async claim(tx: EntityManager, ownerId: string, uploads: AttachedUpload[]): Promise<void> {
    if (uploads.length === 0) return;
    const now = this.clock.now();
    const claimed = await tx.nativeUpdate(
      TusUpload,
      { id: { $in: uploads.map((u) => u.id) }, owner: ownerId, usedAt: null, completedAt: { $ne: null }, expiresAt: { $gt: now } },
      { usedAt: now },
    );
    if (claimed !== uploads.length) {
      throw badInput(
        { fr: 'Un envoi de fichier vient d’être joint à un autre message ou a expiré.', en: 'A file upload has just been attached to another message, or has expired.' },
        { field: 'uploads' },
      );
    }
  }

  /** After the commit: the encrypted files become blobs (renamed, not copied). A failure is left to the sweep. */
  async adopt(uploads: AttachedUpload[]): Promise<void> {
    for (const upload of uploads) {
      try {
        await this.moveIntoStore(upload.id, upload.fileId);
      } catch (error) {
        this.log.error({ err: error, uploadId: upload.id }, 'could not move a completed upload into the blob store; the sweep will retry');
      }
    }
  }

  private async moveIntoStore(id: string, fileId: string): Promise<void> {
    const path = this.store.pathOf(id);
    this.store.forget(id);
    if (this.blobs.adopt) return this.blobs.adopt(fileId, path);
    if (!(await this.blobs.exists(fileId))) await this.blobs.put(fileId, createReadStream(path));
    await unlinkIfThere(path);
  }

  /**
   * Finishes moves interrupted by a crash; removes expired unused uploads (the row first, so that
   * nothing resumes onto bytes being deleted, then the bytes) and forgets used ones once expired;
   * removes files under uploads/ whose row is gone (a crash between the two deletions).
   */
  async sweep(): Promise<{ expired: number; adopted: number; orphans: number }> {
    const em = this.em.fork();
    const now = this.clock.now();
    let expired = 0;
    let adopted = 0;
    let orphans = 0;
    for (const row of await em.find(TusUpload, { usedAt: { $ne: null } })) {
      if (await fileExists(this.store.pathOf(row.id))) {
        await this.moveIntoStore(row.id, row.fileId);
        adopted++;
      }
      if (row.expiresAt.getTime() <= now.getTime()) await em.nativeDelete(TusUpload, { id: row.id });
    }
    for (const row of await em.find(TusUpload, { usedAt: null, expiresAt: { $lte: now } })) {
      if ((await em.nativeDelete(TusUpload, { id: row.id, usedAt: null })) === 0) continue;
      this.store.forget(row.id);
      await unlinkIfThere(this.store.pathOf(row.id));
      expired++;
    }
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const name of names) {
      if (!isUploadId(name)) continue;
      const stats = await stat(join(this.dir, name)).catch(() => undefined);
      if (!stats?.isFile() || stats.mtime.getTime() > Date.now() - ORPHAN_FILE_GRACE_MS) continue;
      if (await em.count(TusUpload, { id: name })) continue;
      await unlinkIfThere(join(this.dir, name));
      orphans++;
    }
    if (expired || adopted || orphans) this.log.info({ expired, adopted, orphans }, 'swept resumable uploads');
    return { expired, adopted, orphans };
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
