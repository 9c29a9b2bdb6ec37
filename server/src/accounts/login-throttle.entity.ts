// Failed-login counters, one row per account and per client address. Updated with a single
// upsert so that concurrent attempts (aliases, parallel requests) each count.
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

@Entity({ tableName: 'login_throttles' })
export class LoginThrottle {
  /** `account:<email>` or `address:<ip>`. */
  @PrimaryKey({ type: 'string', length: 400 })
  key!: string;

  @Property({ type: 'integer' })
  failures!: number;

  @Property({ type: 'datetime' })
  windowStart!: Date;

  /** How many times this key was blocked: each block lasts twice as long as the previous one. */
  @Property({ type: 'integer' })
  strikes!: number;

  @Property({ type: 'datetime', nullable: true })
  blockedUntil?: Date | null;

  @Property({ type: 'datetime' })
  updatedAt!: Date;
}
