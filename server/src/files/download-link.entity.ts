// A short-lived download URL: random, bound to one user and one file (or one message for the
// zip), valid 10 minutes, used up once a download through it completes. Only its hash is stored.
import { type Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity.js';
import { Message } from '../messages/message.entity.js';
import { StoredFile } from './stored-file.entity.js';

@Entity({ tableName: 'download_links' })
export class DownloadLinkRecord {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  user!: Rel<User>;

  @ManyToOne({ entity: () => Message, deleteRule: 'cascade' })
  message!: Rel<Message>;

  /** Null for "download all". */
  @ManyToOne({ entity: () => StoredFile, nullable: true, deleteRule: 'cascade' })
  file?: Rel<StoredFile> | null;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedUpAt?: Date | null;
}

@ObjectType('DownloadLink')
export class DownloadLink {
  @Field(() => String, { description: 'Absolute URL; a GET on it downloads, by itself, for 10 minutes.' })
  url!: string;

  @Field(() => Date)
  expiresAt!: Date;
}
