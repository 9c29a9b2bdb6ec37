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
  | 'admin.activation_resent'
  | 'message.sent'
  | 'message.notified'
  | 'message.viewed'
  | 'message.deleted'
  | 'message.purged'
  | 'message.warned'
  | 'message.expired'
  | 'file.downloaded';

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

  /**
   * Removes the log rows older than `before` (the retention period), keeping the chain checkable:
   * the hash and position of the last removed row become the anchor the rest is verified from.
   * The log of a message still kept (its metadata stays until `expiresAt` + retention) is kept
   * whole, so the cut stops before the first event of any message still in the database.
   */
  async retire(tx: EntityManager, before: Date): Promise<number> {
    await tx.execute('select pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
    const [pinned] = await tx.execute<{ seq: string | null }[]>(
      'select min(e.seq) as seq from audit_events e join messages m on m.id = e.message_id where e.at < ?',
      [before],
    );
    const [last] = await tx.execute<{ seq: string; hash: string }[]>(
      `select seq, hash from audit_events where at < ?${pinned?.seq ? ' and seq < ?' : ''} order by seq desc limit 1`,
      pinned?.seq ? [before, pinned.seq] : [before],
    );
    if (!last) return 0;
    await tx.execute(`set local plex.audit_purge = 'on'`);
    const removed = await tx.execute<{ id: string }[]>('delete from audit_events where seq <= ? returning id', [last.seq]);
    await tx.execute(
      `insert into audit_anchor (id, seq, hash) values (1, ?, ?) on conflict (id) do update set seq = excluded.seq, hash = excluded.hash`,
      [last.seq, last.hash],
    );
    return removed.length;
  }

  /** Must run inside the caller's transaction (`em.transactional`). The row is flushed now. */
  async record(em: EntityManager, entry: AuditEntry): Promise<AuditEvent> {
    const [event] = await this.recordAll(em, [entry]);
    return event;
  }

  /**
   * Appends several events in order with one lock and one round trip for the chain's end (a send
   * to 50 recipients records 51). Inside the caller's transaction; the rows are flushed now.
   */
  async recordAll(em: EntityManager, entries: AuditEntry[]): Promise<AuditEvent[]> {
    if (!em.getTransactionContext()) throw new Error('audit events are recorded inside a transaction');
    await em.execute('select pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
    // After a retention purge that removed every row, the chain goes on from the anchor.
    const [last] = await em.execute<{ seq: string; hash: string }[]>(
      '(select seq, hash from audit_events order by seq desc limit 1) union all (select seq, hash from audit_anchor where id = 1) order by seq desc limit 1',
    );
    const at = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    let previous = { seq: last ? BigInt(last.seq) : 0n, hash: last?.hash ?? GENESIS_HASH };
    const events = entries.map((entry) => {
      const fields: ChainedFields = {
        id: randomUUID(),
        seq: String(previous.seq + 1n),
        type: entry.type,
        at,
        actorId: entry.actor?.id ?? null,
        subjectUserId: entry.subjectUserId ?? null,
        messageId: entry.messageId ?? null,
        data: entry.data ?? {},
        prevHash: previous.hash,
      };
      const hash = chainHash(fields);
      previous = { seq: previous.seq + 1n, hash };
      return em.create(AuditEvent, {
        id: fields.id,
        seq: fields.seq,
        type: fields.type,
        at,
        actor: entry.actor ? em.getReference(User, entry.actor.id) : null,
        subjectUserId: fields.subjectUserId,
        messageId: fields.messageId,
        data: fields.data,
        prevHash: fields.prevHash,
        hash,
      });
    });
    await em.persist(events).flush();
    return events;
  }
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** The first row found wrong: changed (hash differs), or a row inserted or removed before it. */
  problem?: { seq: string; id: string; kind: 'changed' | 'inserted' | 'removed'; message: string };
}

/** An audit_events row as the database returns it. */
export interface AuditRow {
  id: string;
  seq: string;
  type: string;
  at: Date;
  actor_id: string | null;
  subject_user_id: string | null;
  message_id: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The chained fields of a stored row, as hashed by `chainHash`. */
export function chainedFieldsOf(row: Omit<AuditRow, 'hash'>): ChainedFields {
  return {
    id: row.id,
    seq: String(row.seq),
    type: row.type,
    at: new Date(row.at),
    actorId: row.actor_id,
    subjectUserId: row.subject_user_id,
    messageId: row.message_id,
    data: row.data,
    prevHash: row.prev_hash,
  };
}

/**
 * Re-computes the whole chain in order, from the retention anchor if there is one, and names the
 * first row that does not fit:
 * - its own hash does not match its content: it was changed — unless it links to the row before
 *   the previous one, in which case the previous row was inserted (and the rows after renumbered);
 * - its own hash matches but its previous hash is not the hash of the row before it: it was
 *   inserted there, or, when positions skip, rows were removed before it;
 * - a row at or below the anchor's position was inserted after the retention purge.
 * Removing the newest rows cannot be seen from the log alone: compare with a receipt's last hash.
 */
export async function verifyChain(em: EntityManager, batch = 1000): Promise<ChainCheck> {
  const [anchor] = await em.execute<{ seq: string; hash: string }[]>('select seq, hash from audit_anchor where id = 1');
  if (anchor) {
    const [stray] = await em.execute<{ id: string; seq: string }[]>('select id, seq from audit_events where seq <= ? order by seq limit 1', [anchor.seq]);
    if (stray) {
      const seq = String(stray.seq);
      return { ok: false, checked: 0, problem: { seq, id: stray.id, kind: 'inserted', message: `row ${seq} (${stray.id}) was inserted: the log was purged up to row ${anchor.seq}` } };
    }
  }
  let previous: { seq: bigint; hash: string; id: string | null } = anchor ? { seq: BigInt(anchor.seq), hash: anchor.hash, id: null } : { seq: 0n, hash: GENESIS_HASH, id: null };
  let beforePrevious: string | null = null;
  let checked = 0;
  for (;;) {
    const rows = await em.execute<AuditRow[]>(
      'select id, seq, type, at, actor_id, subject_user_id, message_id, data, prev_hash, hash from audit_events where seq > ? order by seq limit ?',
      [String(previous.seq), batch],
    );
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      const fields = chainedFieldsOf(row);
      const seq = BigInt(row.seq);
      const fail = (problem: NonNullable<ChainCheck['problem']>, good = checked): ChainCheck => ({ ok: false, checked: good, problem });
      if (chainHash(fields) !== row.hash) {
        if (previous.id && beforePrevious !== null && row.prev_hash === beforePrevious) {
          const at = String(previous.seq);
          return fail(
            { seq: at, id: previous.id, kind: 'inserted', message: `row ${at} (${previous.id}) was inserted: the row after it, ${fields.seq} (${row.id}), links to the row before it` },
            checked - 1,
          );
        }
        return fail({ seq: fields.seq, id: row.id, kind: 'changed', message: `row ${fields.seq} (${row.id}) was changed: its hash does not match its content` });
      }
      if (row.prev_hash !== previous.hash) {
        return seq === previous.seq + 1n
          ? fail({ seq: fields.seq, id: row.id, kind: 'inserted', message: `row ${fields.seq} (${row.id}) was inserted: it does not follow row ${previous.seq}` })
          : fail({ seq: fields.seq, id: row.id, kind: 'removed', message: `rows ${previous.seq + 1n}..${seq - 1n} were removed before row ${fields.seq} (${row.id})` });
      }
      if (seq !== previous.seq + 1n) {
        return fail({ seq: fields.seq, id: row.id, kind: 'removed', message: `rows ${previous.seq + 1n}..${seq - 1n} were removed before row ${fields.seq} (${row.id})` });
      }
      beforePrevious = previous.hash;
      previous = { seq, hash: row.hash, id: row.id };
      checked++;
    }
  }
}
