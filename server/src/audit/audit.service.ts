// Appends to the hash-chained audit log. Appends are serialised by a transaction-scoped advisory
// lock, so the chain has one order even with several instances; each row's hash covers the
// previous hash and a canonical form of the row (see `canonicalForm`).
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomUUID } from 'node:crypto';
import { User } from '../accounts/user.entity.js';
import type { Clock } from '../infra/clock.js';
import { AuditEvent } from './audit-event.entity.js';

export type AuditType =
  | 'login'
  | 'login.failed'
  | 'logout'
  | 'password.reset_requested'
  | 'password.reset'
  | 'password.changed'
  | 'account.activated'
  | 'api_token.created'
  | 'api_token.revoked'
  | 'admin.user_created'
  | 'admin.user_updated'
  | 'admin.user_disabled'
  | 'admin.activation_resent';

export interface AuditEntry {
  type: AuditType;
  actor?: User | null;
  subjectUserId?: string | null;
  messageId?: string | null;
  data?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 0x706c6578; // "plex"

/** JSON with object keys sorted at every level: the same row always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ChainedFields {
  id: string;
  seq: string;
  type: string;
  at: Date;
  actorId: string | null;
  subjectUserId: string | null;
  messageId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
}

/** The form hashed into the chain; `at` to the second, as the log shows it. */
export function canonicalForm(row: ChainedFields): string {
  return canonicalJson({
    id: row.id,
    seq: String(row.seq),
    type: row.type,
    at: new Date(Math.floor(row.at.getTime() / 1000) * 1000).toISOString(),
    actorId: row.actorId,
    subjectUserId: row.subjectUserId,
    messageId: row.messageId,
    data: row.data,
    prevHash: row.prevHash,
  });
}

export const chainHash = (row: ChainedFields): string => createHash('sha256').update(canonicalForm(row)).digest('hex');

export class AuditService {
  constructor(private readonly clock: Clock) {}

  /** Must run inside the caller's transaction (`em.transactional`). The row is flushed now. */
  async record(em: EntityManager, entry: AuditEntry): Promise<AuditEvent> {
    if (!em.getTransactionContext()) throw new Error('audit events are recorded inside a transaction');
    await em.execute('select pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
    const [last] = await em.execute<{ seq: string; hash: string }[]>('select seq, hash from audit_events order by seq desc limit 1');
    const at = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const fields: ChainedFields = {
      id: randomUUID(),
      seq: String(last ? BigInt(last.seq) + 1n : 1n),
      type: entry.type,
      at,
      actorId: entry.actor?.id ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      messageId: entry.messageId ?? null,
      data: entry.data ?? {},
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const event = em.create(AuditEvent, {
      id: fields.id,
      seq: fields.seq,
      type: fields.type,
      at,
      actor: entry.actor ? em.getReference(User, entry.actor.id) : null,
      subjectUserId: fields.subjectUserId,
      messageId: fields.messageId,
      data: fields.data,
      prevHash: fields.prevHash,
      hash: chainHash(fields),
    });
    await em.persist(event).flush();
    return event;
  }
}
