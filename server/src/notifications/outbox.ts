// Writes e-mails to the outbox inside the caller's transaction, and the worker that sends them.
// The worker claims due rows with `FOR UPDATE SKIP LOCKED` and pushes their next attempt forward
// before sending, so two instances on one database never send the same mail at the same time; a
// relay failure is retried with a growing delay, and nothing is lost while SMTP is down.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../infra/logger.js';
import type { Mailer } from '../infra/mail/mailer.js';
import { renderMail, type MailTemplate, type MailTemplates } from '../infra/mail/templates.js';
import { seal, unseal } from '../infra/seal.js';
import type { Locale } from '../accounts/user.entity.js';
import { OutboxMail } from './outbox-mail.entity.js';

const PURPOSE = 'outbox-mail';

export interface OutboxOptions {
  /** Delay before the first retry; doubles at each failure, up to `maxRetryMs`. */
  retryBaseMs?: number;
  maxRetryMs?: number;
  pollMs?: number;
  /** How long a claimed mail is reserved for the instance sending it. */
  leaseMs?: number;
}

export class Outbox {
  private readonly retryBaseMs: number;
  private readonly maxRetryMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly rendered = new WeakMap<object, Map<string, ReturnType<typeof renderMail>>>();

  constructor(
    private readonly masterKey: Buffer,
    private readonly em: EntityManager,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    options: OutboxOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 5_000;
    this.maxRetryMs = options.maxRetryMs ?? 15 * 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 2 * 60_000;
  }

  /** Adds a mail to `em`'s unit of work: it leaves only if the caller's transaction commits. */
  enqueue<K extends MailTemplate>(em: EntityManager, to: { email: string; locale: Locale }, template: K, props: MailTemplates[K]): void {
    // The same notice to many recipients is rendered once per language.
    const byLocale = this.rendered.get(props) ?? new Map<string, ReturnType<typeof renderMail>>();
    this.rendered.set(props, byLocale);
    const key = `${template}:${to.locale}`;
    const mail = byLocale.get(key) ?? renderMail(template, to.locale, props);
    byLocale.set(key, mail);
    const now = new Date();
    em.persist(
      em.create(OutboxMail, {
        template,
        recipient: to.email,
        subject: mail.subject,
        sealedBody: seal(this.masterKey, Buffer.from(JSON.stringify({ text: mail.text, html: mail.html })), PURPOSE),
        createdAt: now,
        nextAttemptAt: now,
      }),
    );
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a run now (after a commit that queued mail). */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.mailer.close();
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error }, 'outbox run failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.pollMs);
      });
    await this.running;
  }

  /** Sends every mail that is due; returns how many were sent. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.claim(10);
      if (batch.length === 0) return sent;
      for (const row of batch) if (await this.deliver(row)) sent++;
    }
  }

  private async claim(limit: number): Promise<{ id: string; recipient: string; subject: string; sealed_body: Buffer; attempts: number }[]> {
    const now = new Date();
    return this.em.execute(
      `update outbox_mails set attempts = attempts + 1, next_attempt_at = ?
        where id in (select id from outbox_mails where sent_at is null and next_attempt_at <= ?
                      order by next_attempt_at, created_at limit ? for update skip locked)
        returning id, recipient, subject, sealed_body, attempts`,
      [new Date(now.getTime() + this.leaseMs), now, limit],
    );
  }

  private async deliver(row: { id: string; recipient: string; subject: string; sealed_body: Buffer; attempts: number }): Promise<boolean> {
    try {
      const body = JSON.parse(unseal(this.masterKey, row.sealed_body, PURPOSE).toString('utf8')) as { text: string; html: string };
      await this.mailer.send(row.recipient, { subject: row.subject, ...body });
    } catch (error) {
      const delay = Math.min(this.retryBaseMs * 2 ** (row.attempts - 1), this.maxRetryMs);
      const message = error instanceof Error ? error.message : String(error);
      await this.em.execute('update outbox_mails set next_attempt_at = ?, last_error = ? where id = ?', [
        new Date(Date.now() + delay),
        message.slice(0, 1000),
        row.id,
      ]);
      this.log.warn({ mailId: row.id, attempts: row.attempts, retryInMs: delay, error: message }, 'mail not sent, will retry');
      return false;
    }
    await this.em.execute('update outbox_mails set sent_at = ?, sealed_body = null, last_error = null where id = ?', [new Date(), row.id]);
    this.log.info({ mailId: row.id }, 'mail sent');
    return true;
  }
}
