// A resumable (tus) upload of one user: its declared length, how many bytes are durably stored
// (encrypted, whole records) under DATA_DIR/files/uploads/<id>, the name from its metadata, and,
// once complete, the SHA-256 of its plaintext. `fileId` is the id the stored file will have (it is
// bound into every record and into the wrapped key). Used once by sendMessage, then swept.
import { type Opt, type Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';

@Entity({ tableName: 'tus_uploads' })
@Index({ properties: ['owner', 'completedAt'] })
@Index({ properties: ['expiresAt'] })
export class TusUpload {
  /** Random UUID, the last segment of the upload URL. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid', unique: true })
  fileId!: string;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade' })
  owner!: Rel<User>;

  /** Upload-Length, declared at creation. */
  @Property({ type: 'bigint', runtimeType: 'number' })
  length!: number;

  /** Plaintext bytes durably stored: a multiple of the record size, or `length` once complete. */
  @Property({ type: 'bigint', runtimeType: 'number', fieldName: 'stored_bytes' })
  offset: Opt<number> = 0;

  /** From Upload-Metadata `filename` (or `name`), sanitised; `document` when absent. */
  @Property({ type: 'string', length: 1024 })
  name!: string;

  @Property({ type: 'blob' })
  wrappedKey!: Buffer;

  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;

  @Property({ type: 'string', length: 64, nullable: true })
  sha256?: string | null;

  /** Set by the transaction that attached it to a message; its bytes then belong to the stored file. */
  @Property({ type: 'datetime', nullable: true })
  usedAt?: Date | null;
}
