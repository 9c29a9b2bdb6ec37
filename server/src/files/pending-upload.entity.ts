// A blob being written for a message that is not committed yet, with the instance writing it.
// If that instance dies (its advisory lock is gone), the sweeper deletes the blob.
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

@Entity({ tableName: 'pending_uploads' })
export class PendingUpload {
  @PrimaryKey({ type: 'string', length: 100 })
  blobKey!: string;

  @Property({ type: 'bigint', runtimeType: 'string' })
  instanceId!: string;

  @Property({ type: 'datetime' })
  startedAt!: Date;
}
