// Messages: sending (one named operation spanning message, recipients, files, mails and log),
// the inbox and sent box, opening, and deleting. Who may see what is decided here: anyone who is
// not a party gets exactly "not found".
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Readable } from 'node:stream';
import { normalizeEmail, type Viewer } from '../accounts/accounts.service.js';
import { Role, User, UserStatus } from '../accounts/user.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import { badInput, forbidden, notFound, parseId, payloadTooLarge, PlexError, type Wording } from '../errors.js';
import { FileDownload } from '../files/file-download.entity.js';
import { sanitizeFileName } from '../files/file-name.js';
import type { FilesService, StoredBlob } from '../files/files.service.js';
import { StoredFile } from '../files/stored-file.entity.js';
import type { UploadsService } from '../files/uploads.service.js';
import type { Clock } from '../infra/clock.js';
import type { MessageMailProps } from '../infra/mail/templates.js';
import type { LiveEvents } from '../infra/live-events.js';
import type { Outbox } from '../notifications/outbox.js';
import type { PreferencesService } from '../notifications/preferences.service.js';
import { MessageRecipient } from './message-recipient.entity.js';
import { Message } from './message.entity.js';

const messageNotFound: Wording = { fr: 'Message introuvable.', en: 'Message not found.' };

export const MAX_RECIPIENTS = 50;
export const MAX_FILES = 50;
export const MAX_SUBJECT = 200;
export const MAX_COMMENT = 5000;
export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 15;
const DAY_MS = 24 * 60 * 60_000;

/** One document of a message being sent, as it arrives (name as given, bytes as a stream). */
export interface IncomingFile {
  name: string;
  open(): Readable;
}

export interface SendInput {
  recipients: string[];
  subject: string;
  comment?: string | null;
  lifetimeDays: number;
  /** Resolved one after the other, in order: multipart uploads arrive in sequence. */
  files: (() => Promise<IncomingFile>)[];
  /** Ids of completed resumable uploads of the sender, attached after `files`, each usable once. */
  uploads?: string[];
}

export type MessageFilter = 'ACTIVE' | 'EXPIRED' | 'ALL';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const encodeCursor = (message: Message) => Buffer.from(`${message.sentAt.toISOString()}|${message.id}`).toString('base64url');
function decodeCursor(cursor: string): { sentAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const sentAt = new Date(at ?? '');
  if (Number.isNaN(sentAt.getTime()) || !id) throw badInput({ fr: 'Curseur de pagination invalide.', en: 'Invalid pagination cursor.' }, { field: 'after' });
  return { sentAt, id: parseId(id) };
}

/** Errors of the upload stream itself (graphql/multipart.ts, with an HTTP status) become the user's words. */
function uploadError(error: unknown, limit: number): unknown {
  const status = (error as { status?: number } | null)?.status;
  if (status === 413) return payloadTooLarge(limit);
  if (status === 400 || status === 499) {
    return badInput({ fr: "L'envoi a été interrompu ou mal formé : rien n'a été envoyé.", en: 'The upload was interrupted or malformed: nothing was sent.' }, { field: 'files' });
  }
  return error;
}

export class MessagesService {
  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly files: FilesService,
    private readonly preferences: PreferencesService,
    private readonly live: LiveEvents,
    private readonly uploads: UploadsService,
  ) {}

  /** Checks everything that can be checked before a byte of the files is read. */
  private validate(input: SendInput) {
    const subject = input.subject.trim();
    if (subject.length < 1 || subject.length > MAX_SUBJECT) {
      throw badInput({ fr: `L'objet doit comporter de 1 à ${MAX_SUBJECT} caractères.`, en: `The subject must be 1 to ${MAX_SUBJECT} characters long.` }, { field: 'subject' });
    }
    const comment = input.comment?.trim() || null;
    if (comment && comment.length > MAX_COMMENT) {
      throw badInput({ fr: `Le commentaire ne peut dépasser ${MAX_COMMENT} caractères.`, en: `The comment cannot exceed ${MAX_COMMENT} characters.` }, { field: 'comment' });
    }
    if (!Number.isInteger(input.lifetimeDays) || input.lifetimeDays < MIN_LIFETIME_DAYS || input.lifetimeDays > MAX_LIFETIME_DAYS) {
      throw badInput(
        {
          fr: `La durée de vie doit être un nombre entier de jours entre ${MIN_LIFETIME_DAYS} et ${MAX_LIFETIME_DAYS}.`,
          en: `The lifetime must be a whole number of days between ${MIN_LIFETIME_DAYS} and ${MAX_LIFETIME_DAYS}.`,
        },
        { field: 'lifetimeDays' },
      );
    }
    const addresses = [...new Set(input.recipients.map(normalizeEmail))];
    if (addresses.length < 1 || addresses.length > MAX_RECIPIENTS) {
      throw badInput({ fr: `Indiquez de 1 à ${MAX_RECIPIENTS} destinataires.`, en: `Enter 1 to ${MAX_RECIPIENTS} recipients.` }, { field: 'recipients' });
    }
    const fileCount = input.files.length + (input.uploads?.length ?? 0);
    if (fileCount < 1 || fileCount > MAX_FILES) throw badInput({ fr: `Joignez de 1 à ${MAX_FILES} fichiers.`, en: `Attach 1 to ${MAX_FILES} files.` }, { field: 'files' });
    return { subject, comment, addresses, lifetimeDays: input.lifetimeDays };
  }

  /** Active directory users for these addresses; refuses unknown ones by name and partner-to-partner sends. */
  private async resolveRecipients(em: EntityManager, viewer: Viewer, addresses: string[]): Promise<User[]> {
    const users = await em.find(User, { email: { $in: addresses }, status: UserStatus.ACTIVE });
    const found = new Map(users.map((u) => [u.email, u]));
    const unknown = addresses.filter((a) => !found.has(a));
    if (unknown.length) {
      throw new PlexError(
        'RECIPIENT_UNKNOWN',
        { fr: `Destinataire(s) inconnu(s) de l'annuaire PLEX : ${unknown.join(', ')}.`, en: `Recipient(s) not in the PLEX directory: ${unknown.join(', ')}.` },
        { addresses: unknown },
      );
    }
    if (found.has(viewer.user.email)) {
      throw badInput({ fr: 'Vous ne pouvez pas être destinataire de votre propre message.', en: 'You cannot be a recipient of your own message.' }, { field: 'recipients' });
    }
    if (viewer.user.role === Role.PARTNER) {
      const partners = users.filter((u) => u.role === Role.PARTNER).map((u) => u.email);
      if (partners.length) {
        throw forbidden({
          fr: `Un partenaire ne peut envoyer des documents qu'aux agents du ministère de la Justice (refusé : ${partners.join(', ')}).`,
          en: `A partner can send documents only to agents of the Ministry of Justice (refused: ${partners.join(', ')}).`,
        });
      }
    }
    return addresses.map((a) => found.get(a)!);
  }

  /**
   * Sends a message: validates, checks the completed uploads it attaches, stores every multipart
   * file encrypted (streamed, within what the size limit leaves), then commits message, recipients,
   * files, the uploads' use, mails and log together. On any failure nothing is visible, no mail
   * leaves, the multipart bytes already stored are deleted, and the uploads stay unused (usable
   * again until they expire). After the commit the uploads' bytes are moved into the blob store.
   */
  async send(em: EntityManager, viewer: Viewer, input: SendInput): Promise<Message> {
    const valid = this.validate(input);
    const recipients = await this.resolveRecipients(em, viewer, valid.addresses);
    const attached = await this.uploads.forSend(em, viewer.user.id, input.uploads ?? []);
    const attachedBytes = attached.reduce((total, upload) => total + upload.size, 0);
    if (attachedBytes > this.config.maxMessageBytes) throw payloadTooLarge(this.config.maxMessageBytes);
    const stored: (StoredBlob & { name: string })[] = [];
    let message: Message;
    try {
      let budget = this.config.maxMessageBytes - attachedBytes;
      for (const next of input.files) {
        const file = await next();
        const blob = await this.files.store(file.open(), budget);
        stored.push({ ...blob, name: sanitizeFileName(file.name) });
        budget -= blob.size;
      }
      // Completed uploads are stored already, in the same format, under their future file id.
      const all = [...stored, ...attached.map((u) => ({ id: u.fileId, blobKey: u.fileId, wrappedKey: u.wrappedKey, size: u.size, sha256: u.sha256, name: u.name }))];
      message = await em.transactional(async (tx) => {
        await this.uploads.claim(tx, viewer.user.id, attached);
        const now = this.clock.now();
        const sender = tx.getReference(User, viewer.user.id);
        const created = tx.create(Message, {
          sender,
          subject: valid.subject,
          comment: valid.comment,
          sentAt: now,
          expiresAt: new Date(now.getTime() + valid.lifetimeDays * DAY_MS),
          lifetimeDays: valid.lifetimeDays,
        });
        recipients.forEach((user, position) => tx.persist(tx.create(MessageRecipient, { message: created, user: tx.getReference(User, user.id), position })));
        all.forEach((blob, position) =>
          tx.persist(
            tx.create(StoredFile, { id: blob.id, message: created, position, name: blob.name, size: blob.size, sha256: blob.sha256, blobKey: blob.blobKey, wrappedKey: blob.wrappedKey }),
          ),
        );
        await tx.flush();
        await this.files.claimPending(tx, stored.map((b) => b.blobKey));
        const mail: MessageMailProps = {
          subject: valid.subject,
          sender: { displayName: viewer.user.displayName, email: viewer.user.email },
          recipients: recipients.map((r) => ({ displayName: r.displayName, email: r.email })),
          files: all.map((b) => ({ name: b.name, size: b.size, sha256: b.sha256 })),
          expiresAt: created.expiresAt,
          link: this.messageLink(created.id),
        };
        const wanting = await this.preferences.wanting(tx, recipients.map((r) => r.id), 'messageReceived');
        for (const recipient of recipients) if (wanting.has(recipient.id)) this.outbox.enqueue(tx, recipient, 'message-received', mail);
        await this.audit.recordAll(tx, [
          {
            type: 'message.sent',
            actor: sender,
            messageId: created.id,
            data: { recipients: recipients.map((r) => r.id), files: all.map((b) => ({ id: b.id, name: b.name, size: b.size, sha256: b.sha256 })), expiresAt: created.expiresAt.toISOString() },
          },
          ...recipients.map((recipient) => ({
            type: 'message.notified' as const,
            messageId: created.id,
            subjectUserId: recipient.id,
            data: { email: recipient.email, mail: wanting.has(recipient.id) },
          })),
        ]);
        this.outbox.enqueue(tx, viewer.user, 'message-sent-copy', mail);
        await this.live.publish(tx, { topic: 'messageReceived', messageId: created.id, to: recipients.map((r) => r.id), actorId: viewer.user.id, at: now });
        return created;
      });
    } catch (error) {
      await this.files.discard(stored.map((b) => b.blobKey));
      throw uploadError(error, this.config.maxMessageBytes);
    }
    await this.uploads.adopt(attached);
    this.outbox.kick();
    return message;
  }

  kickMail(): void {
    this.outbox.kick();
  }

  messageLink(id: string): string {
    return new URL(`/messages/${id}`, this.config.publicUrl).toString();
  }

  isExpired(message: Message): boolean {
    return message.expiresAt.getTime() <= this.clock.now().getTime();
  }

  private filterCondition(filter: MessageFilter) {
    const now = this.clock.now();
    return filter === 'ACTIVE' ? { expiresAt: { $gt: now } } : filter === 'EXPIRED' ? { expiresAt: { $lte: now } } : {};
  }

  private async page(em: EntityManager, where: object, first = 20, after?: string | null): Promise<Page<Message>> {
    const limit = Math.min(Math.max(first, 1), 100);
    const cursor = after ? decodeCursor(after) : undefined;
    const items = await em.find(
      Message,
      {
        ...where,
        deletedAt: null,
        ...(cursor ? { $or: [{ sentAt: { $lt: cursor.sentAt } }, { sentAt: cursor.sentAt, id: { $lt: cursor.id } }] } : {}),
      },
      { orderBy: { sentAt: 'desc', id: 'desc' }, limit: limit + 1, populate: ['sender', 'recipientLinks.user', 'fileList'] },
    );
    const more = items.length > limit;
    const page = items.slice(0, limit);
    return { items: page, nextCursor: more ? encodeCursor(page[page.length - 1]) : null };
  }

  inbox(em: EntityManager, viewer: Viewer, first?: number, after?: string | null, filter: MessageFilter = 'ALL'): Promise<Page<Message>> {
    return this.page(em, { recipientLinks: { user: viewer.user.id, hiddenAt: null }, ...this.filterCondition(filter) }, first, after);
  }

  sent(em: EntityManager, viewer: Viewer, first?: number, after?: string | null, filter: MessageFilter = 'ALL'): Promise<Page<Message>> {
    return this.page(em, { sender: viewer.user.id, ...this.filterCondition(filter) }, first, after);
  }

  /** The message if the viewer is its sender or one of its recipients (who has not hidden it); else NOT_FOUND. */
  async findForParty(em: EntityManager, viewer: Viewer, idInput: string, { forRecord = false } = {}): Promise<Message> {
    const id = parseId(idInput, messageNotFound);
    // For the log and the receipt (proof), parties and admins still reach deleted or hidden messages.
    const parties = forRecord
      ? viewer.user.role === Role.ADMIN
        ? {}
        : { $or: [{ sender: viewer.user.id }, { recipientLinks: { user: viewer.user.id } }] }
      : { deletedAt: null, $or: [{ sender: viewer.user.id }, { recipientLinks: { user: viewer.user.id, hiddenAt: null } }] };
    const message = await em.findOne(
      Message,
      { id, ...parties },
      { populate: ['sender', 'recipientLinks.user', 'fileList'] },
    );
    if (!message) throw notFound(messageNotFound);
    return message;
  }

  /** Records a recipient's first view (idempotent); the sender opening their own message records nothing. */
  async open(em: EntityManager, viewer: Viewer, id: string): Promise<Message> {
    const message = await this.findForParty(em, viewer, id);
    if (await em.transactional((tx) => this.recordFirstView(tx, message.id, viewer.user.id))) this.outbox.kick();
    em.clear();
    return this.findForParty(em, viewer, message.id);
  }

  /** Sets the first view of `userId` on `messageId` if not set yet, with its log entry and the sender's mail. */
  async recordFirstView(tx: EntityManager, messageId: string, userId: string): Promise<boolean> {
    const at = this.clock.now();
    const updated = await tx.nativeUpdate(MessageRecipient, { message: messageId, user: userId, viewedAt: null }, { viewedAt: at });
    if (updated !== 1) return false;
    await this.audit.record(tx, { type: 'message.viewed', actor: tx.getReference(User, userId), messageId });
    const message = await tx.findOneOrFail(Message, { id: messageId }, { populate: ['sender'] });
    const recipient = await tx.findOneOrFail(User, { id: userId });
    await this.live.publish(tx, { topic: 'messageViewed', messageId, to: [message.sender.id], actorId: userId, at });
    if ((await this.preferences.wanting(tx, [message.sender.id], 'messageViewed')).size) {
      this.outbox.enqueue(tx, message.sender, 'message-viewed', {
        subject: message.subject,
        recipient: { displayName: recipient.displayName, email: recipient.email },
        at,
        link: this.messageLink(message.id),
      });
    }
    return true;
  }

  /**
   * After complete downloads by `userId`: mails the sender once for the files this recipient had
   * never downloaded completely before (one mail for a zip).
   */
  async notifyDownloads(tx: EntityManager, message: Message, userId: string, firstTime: StoredFile[], fileIds: string[]): Promise<void> {
    if (message.sender.id === userId) return;
    const at = this.clock.now();
    for (const fileId of fileIds) await this.live.publish(tx, { topic: 'fileDownloaded', messageId: message.id, to: [message.sender.id], actorId: userId, fileId, at });
    if (firstTime.length === 0) return;
    // Downloads by one recipient that complete together take turns from here to their commit, and
    // a file another one recorded meanwhile is not announced twice.
    await tx.execute('select 1 from message_recipients where message_id = ? and user_id = ? for update', [message.id, userId]);
    const meanwhile = new Set((await tx.find(FileDownload, { user: userId, file: { $in: firstTime.map((f) => f.id) } })).map((d) => d.file.id));
    const announced = firstTime.filter((f) => !meanwhile.has(f.id));
    if (announced.length === 0) return;
    if (!(await this.preferences.wanting(tx, [message.sender.id], 'fileDownloaded')).size) return;
    const sender = await tx.findOneOrFail(User, { id: message.sender.id });
    const recipient = await tx.findOneOrFail(User, { id: userId });
    this.outbox.enqueue(tx, sender, 'files-downloaded', {
      subject: message.subject,
      recipient: { displayName: recipient.displayName, email: recipient.email },
      files: announced.map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })),
      at: this.clock.now(),
      link: this.messageLink(message.id),
    });
  }

  /** By the sender: gone for everyone and the bytes purged now. By a recipient: hidden from them only. */
  async delete(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    const message = await this.findForParty(em, viewer, id);
    const bySender = message.sender.id === viewer.user.id;
    await em.transactional(async (tx) => {
      const now = this.clock.now();
      if (bySender) await tx.nativeUpdate(Message, { id: message.id }, { deletedAt: now });
      else await tx.nativeUpdate(MessageRecipient, { message: message.id, user: viewer.user.id }, { hiddenAt: now });
      await this.audit.record(tx, { type: 'message.deleted', actor: tx.getReference(User, viewer.user.id), messageId: message.id, data: { scope: bySender ? 'everyone' : 'recipient' } });
      const others = bySender
        ? message.recipientLinks.getItems().filter((r) => !r.hiddenAt).map((r) => r.user)
        : [message.sender];
      // the other parties, and the actor's other pages (another tab, another device) so they follow
      const watchers = [...others.map((u) => u.id), viewer.user.id];
      await this.live.publish(tx, { topic: 'messageDeleted', messageId: message.id, to: watchers, actorId: viewer.user.id, at: now });
      const wanting = await this.preferences.wanting(tx, others.map((u) => u.id), 'messageDeleted');
      for (const other of others.filter((u) => wanting.has(u.id))) {
        this.outbox.enqueue(tx, other, 'message-deleted', {
          subject: message.subject,
          by: { displayName: viewer.user.displayName, email: viewer.user.email },
          at: now,
          link: this.messageLink(message.id), // DESIGN.md: the deleted mail names the link PUBLIC_URL/messages/ID
          forEveryone: bySender,
        });
      }
    });
    this.outbox.kick();
    if (bySender) await this.files.purgeMessage(em, message.id);
  }
}
