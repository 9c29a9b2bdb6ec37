// Throttles failed logins per account and per client address: after MAX_FAILURES failures within
// WINDOW the key is blocked, first for one minute, then twice as long at each new block (capped),
// so guessing stays slow while a real user is never locked out for good.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../infra/clock.js';
import { LoginThrottle } from './login-throttle.entity.js';

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;
export const FIRST_BLOCK_MS = 60_000;
export const MAX_BLOCK_MS = 60 * 60_000;
/** A key left quiet this long starts again from the first, shortest block. */
export const STRIKES_FORGOTTEN_MS = 24 * 60 * 60_000;

export const accountKey = (email: string) => `account:${email}`;
export const addressKey = (address: string) => `address:${address}`;

export class LoginThrottler {
  constructor(private readonly clock: Clock) {}

  /** Seconds left before these keys may try again, or 0. */
  async retryAfter(em: EntityManager, keys: string[]): Promise<number> {
    const now = this.clock.now().getTime();
    const rows = await em.find(LoginThrottle, { key: { $in: keys } });
    const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts one failure against each key (inside the caller's transaction; rows locked). */
  async recordFailure(em: EntityManager, keys: string[]): Promise<void> {
    const now = this.clock.now();
    for (const key of keys) {
      await em.execute(
        `insert into login_throttles (key, failures, window_start, strikes, updated_at) values (?, 0, ?, 0, ?) on conflict (key) do nothing`,
        [key, now, now],
      );
      const row = await em.findOneOrFail(LoginThrottle, { key }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (now.getTime() - row.updatedAt.getTime() > STRIKES_FORGOTTEN_MS) row.strikes = 0;
      if (now.getTime() - row.windowStart.getTime() > WINDOW_MS) {
        row.failures = 0;
        row.windowStart = now;
      }
      row.failures += 1;
      if (row.failures >= MAX_FAILURES) {
        row.blockedUntil = new Date(now.getTime() + Math.min(FIRST_BLOCK_MS * 2 ** row.strikes, MAX_BLOCK_MS));
        row.strikes += 1;
        row.failures = 0;
        row.windowStart = now;
      }
      row.updatedAt = now;
    }
    await em.flush();
  }

  /** A successful login clears the account's failures (the address keeps its count). */
  async recordSuccess(em: EntityManager, key: string): Promise<void> {
    await em.nativeUpdate(LoginThrottle, { key }, { failures: 0, windowStart: this.clock.now() });
  }
}
