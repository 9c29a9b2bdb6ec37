// The timed life of messages, run from the database so that with several instances each step is
// done once: expiry warnings (expiresAt − 72 h and − 24 h), the purge of expired files' bytes
// (retried at the next run on a storage failure), and the end of the retention period, when the
// metadata and the oldest part of the audit log go. Rows are claimed with FOR UPDATE SKIP LOCKED.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import type { Clock } from '../infra/clock.js';
import type { LiveEvents } from '../infra/live-events.js';
import type { Logger } from '../infra/logger.js';
import type { FilesService } from '../files/files.service.js';
import type { Outbox } from '../notifications/outbox.js';
import type { PreferencesService } from '../notifications/preferences.service.js';
import { User } from '../accounts/user.entity.js';
import { Message } from './message.entity.js';
import type { MessagesService } from './messages.service.js';

const HOUR = 3_600_000;
export const WARNINGS = [
  { column: 'first_warning_done_at', before: 72 * HOUR, preference: 'expiryFirstWarning', label: 'first' },
  { column: 'second_warning_done_at', before: 24 * HOUR, preference: 'expirySecondWarning', label: 'second' },
] as const;
/** A warning whose time falls less than this after sending is skipped. */
export const MIN_WARNING_DELAY = 12 * HOUR;

export class Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly files: FilesService,
    private readonly messages: MessagesService,
    private readonly preferences: PreferencesService,
    private readonly live: LiveEvents,
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ err: error }, 'lifecycle run failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(() => {
      if (!this.running) tick();
    }, this.config.expirySweepSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async runOnce(): Promise<{ warned: number; purged: number; retired: number }> {
    const warned = await this.sendWarnings();
    const purged = await this.purgeExpired();
    const retired = await this.retire();
    if (warned) this.outbox.kick();
    return { warned, purged, retired };
  }

  /** Handles every due warning once: mails the sender and each recipient who has not downloaded every file. */
  private async sendWarnings(): Promise<number> {
    let mails = 0;
    for (const warning of WARNINGS) {
      for (;;) {
        const handled = await this.em.fork().transactional(async (tx) => {
          const now = this.clock.now();
          const rows = await tx.execute<{ id: string }[]>(
            `select id from messages where ${warning.column} is null and deleted_at is null and expires_at > ? and expires_at - make_interval(secs => ?) <= ?
              order by expires_at limit 20 for update skip locked`,
            [now, warning.before / 1000, now],
          );
          for (const { id } of rows) {
            const message = await tx.findOneOrFail(Message, { id }, { populate: ['sender', 'recipientLinks.user', 'fileList'] });
            const dueAt = message.expiresAt.getTime() - warning.before;
            if (dueAt - message.sentAt.getTime() >= MIN_WARNING_DELAY) mails += await this.warn(tx, message, warning);
            await tx.execute(`update messages set ${warning.column} = ? where id = ?`, [now, id]);
          }
          return rows.length;
        });
        if (handled === 0) break;
      }
    }
    return mails;
  }

  private async warn(tx: EntityManager, message: Message, warning: (typeof WARNINGS)[number]): Promise<number> {
    const fileIds = message.fileList.getItems().map((f) => f.id);
    const complete = await tx.execute<{ user_id: string }[]>(
      `select user_id from file_downloads where file_id in (${fileIds.map(() => '?').join(',')}) group by user_id having count(distinct file_id) = ?`,
      [...fileIds, fileIds.length],
    );
    const done = new Set(complete.map((r) => r.user_id));
    const parties: User[] = [message.sender, ...message.recipientLinks.getItems().filter((r) => !r.hiddenAt && !done.has(r.user.id)).map((r) => r.user)];
    const wanting = await this.preferences.wanting(tx, parties.map((p) => p.id), warning.preference);
    let count = 0;
    for (const party of parties.filter((p) => wanting.has(p.id))) {
      this.outbox.enqueue(tx, party, 'expiry-warning', {
        subject: message.subject,
        expiresAt: message.expiresAt,
        asSender: party.id === message.sender.id,
        link: this.messages.messageLink(message.id),
        files: message.fileList.getItems().map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 })),
      });
      count++;
    }
    await this.audit.record(tx, { type: 'message.warned', messageId: message.id, data: { warning: warning.label, to: parties.filter((p) => wanting.has(p.id)).map((p) => p.id) } });
    return count;
  }

  /** Deletes the bytes of expired messages; a storage failure leaves the message for the next run. */
  private async purgeExpired(): Promise<number> {
    const now = this.clock.now();
    const due = await this.em.fork().execute<{ id: string; deleted_at: Date | null }[]>(
      'select id, deleted_at from messages where purged_at is null and (expires_at <= ? or deleted_at is not null) order by expires_at limit 100',
      [now],
    );
    let purged = 0;
    for (const { id, deleted_at: deletedAt } of due) {
      const done = await this.em.fork().transactional(async (tx) => {
        const [claimed] = await tx.execute<{ id: string }[]>('select id from messages where id = ? and purged_at is null for update skip locked', [id]);
        if (!claimed) return false;
        if (!(await this.files.purgeMessage(tx, id))) return false;
        await tx.nativeUpdate(Message, { id }, { purgedAt: this.clock.now() });
        if (!deletedAt) {
          await this.audit.record(tx, { type: 'message.expired', messageId: id });
          const parties = await tx.execute<{ user_id: string }[]>(
            'select sender_id as user_id from messages where id = ? union select user_id from message_recipients where message_id = ? and hidden_at is null',
            [id, id],
          );
          await this.live.publish(tx, { topic: 'messageExpired', messageId: id, to: parties.map((p) => p.user_id), at: this.clock.now() });
        }
        await this.audit.record(tx, { type: 'message.purged', messageId: id });
        return true;
      });
      if (done) purged++;
    }
    return purged;
  }

  /** After AUDIT_RETENTION_DAYS: messages' metadata goes, and the log rows older than that. */
  private async retire(): Promise<number> {
    const limit = new Date(this.clock.now().getTime() - this.config.auditRetentionDays * 24 * HOUR);
    return this.em.fork().transactional(async (tx) => {
      const removed = await tx.execute<{ id: string }[]>('delete from messages where expires_at < ? and purged_at is not null returning id', [limit]);
      await this.audit.retire(tx, limit);
      return removed.length;
    });
  }
}
