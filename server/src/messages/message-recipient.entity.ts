// One recipient of a message: when they first viewed it, and whether they hid it from their inbox.
import { type Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity.js';
import { Message } from './message.entity.js';

@ObjectType('Recipient')
@Entity({ tableName: 'message_recipients' })
@Unique({ properties: ['message', 'user'] })
@Index({ properties: ['user', 'message'] })
export class MessageRecipient {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Message, deleteRule: 'cascade' })
  message!: Rel<Message>;

  @Field(() => User)
  @ManyToOne({ entity: () => User })
  user!: Rel<User>;

  /** Order in which the sender listed the recipients. */
  @Property({ type: 'smallint' })
  position!: number;

  @Field(() => Date, { nullable: true, description: 'First time this recipient opened the message.' })
  @Property({ type: 'datetime', nullable: true })
  viewedAt?: Date | null;

  /** The recipient deleted the message from their own inbox. */
  @Property({ type: 'datetime', nullable: true })
  hiddenAt?: Date | null;
}
