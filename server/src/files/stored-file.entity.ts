// A document of a message: its name and size as given, the SHA-256 of its plaintext, and where
// its encrypted bytes are (server-made blob key, per-file key wrapped by the master key).
import { type Opt, type Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Message } from '../messages/message.entity.js';

@ObjectType('StoredFile')
@Entity({ tableName: 'stored_files' })
export class StoredFile {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => Message, deleteRule: 'cascade' })
  message!: Rel<Message>;

  @Property({ type: 'smallint' })
  position!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 1024 })
  name!: string;

  @Field(() => GraphQLSafeInt, { description: 'Size in bytes of the document (plaintext).' })
  @Property({ type: 'bigint', runtimeType: 'number' })
  size!: number;

  @Field(() => String, { description: 'SHA-256 of the document, hex.' })
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'string', length: 100, unique: true, hidden: true })
  blobKey!: string;

  @Property({ type: 'blob', hidden: true })
  wrappedKey!: Buffer;

  @Property({ type: 'datetime', nullable: true })
  purgedAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
