// The transactional outbox: every e-mail is written here in the same transaction as the change
// that causes it, then sent by the outbox worker. The rendered body (which may hold a one-time
// link) is sealed with the master key and erased once the relay has accepted the mail.
import { type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';

@Entity({ tableName: 'outbox_mails' })
@Index({ properties: ['sentAt', 'nextAttemptAt'] })
export class OutboxMail {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 64 })
  template!: string;

  @Property({ type: 'string', length: 320 })
  recipient!: string;

  @Property({ type: 'string', length: 400 })
  subject!: string;

  /** AES-256-GCM sealed JSON `{ text, html }`; null once sent. */
  @Property({ type: 'blob', nullable: true })
  sealedBody?: Buffer | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'datetime' })
  nextAttemptAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}
