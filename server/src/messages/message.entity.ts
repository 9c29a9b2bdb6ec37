// A message: documents sent by one user to recipients from the directory, for 1 to 15 days.
// It exists for anyone only once every file is stored and its transaction has committed.
import { Collection, type Opt, type Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity.js';
import { StoredFile } from '../files/stored-file.entity.js';
import { MessageRecipient } from './message-recipient.entity.js';

@ObjectType('Message')
@Entity({ tableName: 'messages' })
@Index({ properties: ['sender', 'sentAt'] })
@Index({ properties: ['expiresAt'] })
export class Message {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => User)
  @ManyToOne({ entity: () => User })
  sender!: Rel<User>;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  sentAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Field(() => Int)
  @Property({ type: 'smallint' })
  lifetimeDays!: number;

  /** Set when the sender deleted it: gone for everyone, bytes purged. */
  @Property({ type: 'datetime', nullable: true })
  deletedAt?: Date | null;

  /** When the stored bytes of every file were removed (deletion or expiry). */
  @Property({ type: 'datetime', nullable: true })
  purgedAt?: Date | null;

  /** When the expiry warning at expiresAt − 72 h was handled (sent, or skipped by the 12-hour rule). */
  @Property({ type: 'datetime', nullable: true })
  firstWarningDoneAt?: Date | null;

  /** Same for the warning at expiresAt − 24 h. */
  @Property({ type: 'datetime', nullable: true })
  secondWarningDoneAt?: Date | null;

  @OneToMany({ entity: () => MessageRecipient, mappedBy: 'message', orderBy: { position: 'asc' } })
  recipientLinks = new Collection<MessageRecipient>(this);

  @OneToMany({ entity: () => StoredFile, mappedBy: 'message', orderBy: { position: 'asc' } })
  fileList = new Collection<StoredFile>(this);

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
