// One row of the append-only audit log. Each row carries the SHA-256 of the previous row's hash
// and of its own canonical form, so that any edit, insertion or deletion breaks the chain.
import { type Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Trigger } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity.js';

@ObjectType('AuditEvent')
@Entity({ tableName: 'audit_events' })
// Append-only in the database itself: no update ever; a delete only from the retention purge,
// which sets `plex.audit_purge` for its own transaction.
@Trigger({
  name: 'audit_events_append_only',
  timing: 'before',
  events: ['update', 'delete'],
  forEach: 'row',
  body: `if tg_op = 'DELETE' and current_setting('plex.audit_purge', true) = 'on' then return old; end if;
raise exception 'audit_events is append-only';`,
})
export class AuditEvent {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Position in the chain, from 1, without gaps. */
  @Property({ type: 'bigint', unique: true })
  seq!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  type!: string;

  @Field(() => Date)
  // retention finds the rows older than AUDIT_RETENTION_DAYS by time
  @Index()
  @Property({ type: 'datetime' })
  at!: Date;

  @Field(() => User, { nullable: true })
  @ManyToOne({ entity: () => User, nullable: true })
  actor?: Rel<User> | null;

  /** The user the event is about (e.g. the account created or disabled), when it is not the actor. */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  subjectUserId?: string | null;

  @Index()
  @Property({ type: 'uuid', nullable: true })
  messageId?: string | null;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'string', length: 64 })
  prevHash!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64, unique: true })
  hash!: string;
}

/** Where the chain starts after the retention purge: the last removed row's position and hash. */
@Entity({ tableName: 'audit_anchor' })
export class AuditAnchor {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id!: number;

  @Property({ type: 'bigint' })
  seq!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;
}
