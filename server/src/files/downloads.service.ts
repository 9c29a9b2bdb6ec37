// Download links and what a GET on one does: a random URL bound to one user and one file (or the
// whole message as a zip), valid 10 minutes; the bytes are decrypted on the fly, `Range` is
// honoured, and a file counts as downloaded only when a response carrying its last byte completes.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { Viewer } from '../accounts/accounts.service.js';
import { User } from '../accounts/user.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import { notFound, parseId, PlexError, type Wording } from '../errors.js';
import type { Clock } from '../infra/clock.js';
import type { Logger } from '../infra/logger.js';
import { hashSecret, newSecret } from '../infra/tokens.js';
import { Message } from '../messages/message.entity.js';
import type { MessagesService } from '../messages/messages.service.js';
import { DownloadLink, DownloadLinkRecord } from './download-link.entity.js';
import { FileDownload } from './file-download.entity.js';
import { contentDisposition, uniqueNames } from './file-name.js';
import type { FilesService } from './files.service.js';
import { StoredFile } from './stored-file.entity.js';

export const LINK_MINUTES = 10;

const messageExpired = () =>
  new PlexError('MESSAGE_EXPIRED', { fr: 'Ce message a expiré : ses fichiers ne sont plus disponibles.', en: 'This message has expired: its files are no longer available.' });
const fileNotFound: Wording = { fr: 'Fichier introuvable.', en: 'File not found.' };

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` for one range; anything else is ignored (full response). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}

export class DownloadsService {
  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly files: FilesService,
    private readonly messages: MessagesService,
    private readonly em: EntityManager,
    private readonly log: Logger,
  ) {}

  /** A link for one file of a message the viewer is a party to; MESSAGE_EXPIRED after expiry. */
  async linkForFile(em: EntityManager, viewer: Viewer, fileIdInput: string): Promise<DownloadLink> {
    const fileId = parseId(fileIdInput, fileNotFound);
    const file = await em.findOne(StoredFile, { id: fileId }, { populate: ['message'] });
    if (!file) throw notFound(fileNotFound);
    const message = await this.messages.findForParty(em, viewer, file.message.id).catch(() => {
      throw notFound(fileNotFound);
    });
    return this.createLink(em, viewer, message, file);
  }

  async linkForMessage(em: EntityManager, viewer: Viewer, messageId: string): Promise<DownloadLink> {
    const message = await this.messages.findForParty(em, viewer, messageId);
    return this.createLink(em, viewer, message, null);
  }

  private async createLink(em: EntityManager, viewer: Viewer, message: Message, file: StoredFile | null): Promise<DownloadLink> {
    if (this.messages.isExpired(message) || message.purgedAt) throw messageExpired();
    const now = this.clock.now();
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + LINK_MINUTES * 60_000);
    await em.insert(DownloadLinkRecord, { id: randomUUID(), tokenHash: hashSecret(token), user: viewer.user.id, message: message.id, file: file?.id ?? null, createdAt: now, expiresAt });
    return { url: new URL(`/downloads/${token}`, this.config.publicUrl).toString(), expiresAt };
  }

  /** Records complete downloads (and the first view, if none) in one transaction. */
  private async recordDownloads(linkId: string, userId: string, messageId: string, fileIds: string[], viaZip: boolean): Promise<void> {
    await this.em.fork().transactional(async (tx) => {
      const now = this.clock.now();
      await tx.nativeUpdate(DownloadLinkRecord, { id: linkId, usedUpAt: null }, { usedUpAt: now });
      const message = await tx.findOneOrFail(Message, { id: messageId });
      const isRecipient = message.sender.id !== userId;
      if (isRecipient) await this.messages.recordFirstView(tx, messageId, userId);
      const before = new Set((await tx.find(FileDownload, { user: userId, file: { $in: fileIds } })).map((d) => d.file.id));
      const firstTime = await tx.find(StoredFile, { id: { $in: fileIds.filter((id) => !before.has(id)) } }, { orderBy: { position: 'asc' } });
      await this.messages.notifyDownloads(tx, message, userId, firstTime, fileIds);
      for (const fileId of fileIds) {
        tx.persist(tx.create(FileDownload, { file: tx.getReference(StoredFile, fileId), user: tx.getReference(User, userId), completedAt: now, viaZip }));
      }
      await tx.flush();
      await this.audit.record(tx, { type: 'file.downloaded', actor: tx.getReference(User, userId), messageId, data: { files: fileIds, viaZip } });
    });
    this.messages.kickMail();
  }

  router(): Router {
    const router = Router();
    router.get('/:token', (req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        this.log.error({ err: error }, 'download failed');
        if (!res.headersSent) res.status(500).type('text/plain; charset=utf-8').send('Erreur lors du téléchargement.');
        else res.destroy();
      });
    });
    return router;
  }

  private refuse(res: Response, status: number, text: string): void {
    res.status(status).type('text/plain; charset=utf-8').setHeader('Cache-Control', 'no-store');
    res.send(text);
  }

  private async serve(req: Request, res: Response): Promise<void> {
    const token = String(req.params.token ?? '');
    const em = this.em.fork();
    const link = token.length <= 100 ? await em.findOne(DownloadLinkRecord, { tokenHash: hashSecret(token) }, { populate: ['message', 'file'] }) : null;
    const now = this.clock.now();
    if (!link || link.usedUpAt || link.expiresAt.getTime() <= now.getTime()) {
      return this.refuse(res, 404, "Ce lien de téléchargement n'est pas ou plus valable. Demandez-en un nouveau depuis PLEX.");
    }
    const message = link.message;
    const user = await em.findOne(User, { id: link.user.id });
    const stillParty = user && user.status === 'ACTIVE' && (await this.messages.findForParty(em, { user }, message.id).then(() => true, () => false));
    if (!stillParty || message.deletedAt) return this.refuse(res, 404, "Ce lien de téléchargement n'est pas ou plus valable.");
    if (this.messages.isExpired(message) || message.purgedAt) return this.refuse(res, 410, 'Ce message a expiré : ses fichiers ne sont plus disponibles.');

    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Type', 'application/octet-stream');
    if (link.file) await this.serveFile(req, res, link, link.file);
    else await this.serveZip(res, link, message);
  }

  private async serveFile(req: Request, res: Response, link: DownloadLinkRecord, file: StoredFile): Promise<void> {
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Disposition', contentDisposition(file.name));
    const range = file.size > 0 ? parseRange(req.headers.range, file.size) : undefined;
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      return this.refuse(res, 416, 'Plage demandée invalide.');
    }
    const plaintext = await this.files.open(file, range);
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.setHeader('Content-Length', String(file.size));
    }
    const reachesEnd = !range || range.end === file.size - 1;
    try {
      await pipeline(plaintext, res);
    } catch (error) {
      this.log.warn({ err: error, fileId: file.id }, 'download aborted');
      res.destroy();
      return;
    }
    if (reachesEnd) await this.recordDownloads(link.id, link.user.id, link.message.id, [file.id], false);
  }

  private async serveZip(res: Response, link: DownloadLinkRecord, message: Message): Promise<void> {
    const em = this.em.fork();
    const files = await em.find(StoredFile, { message: message.id }, { orderBy: { position: 'asc' } });
    const names = uniqueNames(files.map((f) => f.name));
    const zip = new ZipFile();
    const output = zip.outputStream as Readable;
    let failed: unknown;
    files.forEach((file, index) => {
      zip.addReadStreamLazy(names[index], { compress: false, size: file.size, mtime: message.sentAt }, (callback) => {
        this.files.open(file).then(
          (stream) => {
            stream.on('error', (error) => {
              failed = error;
              output.destroy(error);
            });
            callback(null, stream);
          },
          (error: Error) => callback(error, undefined as never),
        );
      });
    });
    // Stored entries of known sizes: yazl knows the zip's exact length before writing it.
    const total = await new Promise<number>((resolveSize) =>
      (zip.end as (options: object, callback: (size: number) => void) => void)({ forceZip64Format: false }, resolveSize),
    );
    const zipName = `${message.subject.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 100) || 'documents'}.zip`;
    res.setHeader('Content-Disposition', contentDisposition(zipName));
    if (total >= 0) res.setHeader('Content-Length', String(total));
    try {
      await pipeline(output, res);
    } catch (error) {
      this.log.warn({ err: error ?? failed, messageId: message.id }, 'zip download aborted');
      res.destroy();
      return;
    }
    if (failed) {
      res.destroy();
      return;
    }
    await this.recordDownloads(link.id, link.user.id, message.id, files.map((f) => f.id), true);
  }
}
