// A complete download of a file by a user: a response that carried the file's last byte.
import { type Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { User } from '../accounts/user.entity.js';
import { StoredFile } from './stored-file.entity.js';

@Entity({ tableName: 'file_downloads' })
@Index({ properties: ['file', 'user'] })
export class FileDownload {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => StoredFile, deleteRule: 'cascade' })
  file!: Rel<StoredFile>;

  @ManyToOne({ entity: () => User })
  user!: Rel<User>;

  @Property({ type: 'datetime' })
  completedAt!: Date;

  /** True when it came as part of "download all" (a zip). */
  @Property({ type: 'boolean' })
  viaZip!: boolean;
}
