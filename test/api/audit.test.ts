// The tamper-evident audit log and the receipt (proof of delivery), over real HTTP and PostgreSQL:
// who may read a message's log, that a receipt holds exactly the message's events with the files'
// fingerprints, that an edit, insertion or removal made in SQL is named by `verifyChain` and by
// `npm run admin -- verify-audit`, and that the retention purge keeps the chain verifiable.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import { chainedFieldsOf, chainHash, verifyChain, type AuditRow } from '../../server/src/audit/audit.service.js';
import type { ApiClient } from '../support/api-client.js';
import { buildUser, signIn, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadUrl, fetchBytes, randomFile, sendOk, sha256, type UploadFile } from '../support/uploads.js';

const run = promisify(execFile);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AUDIT_LOG = `query ($id: ID!) { auditLog(messageId: $id) { id type at hash actor { email } } }`;
const RECEIPT = `query ($id: ID!) { receipt(messageId: $id) {
  messageId subject sender { email } sentAt expiresAt deletedAt purgedAt lastHash
  files { id name size sha256 }
  recipients { user { email } notifiedAt viewedAt downloads { file { id } at viaZip } }
  events { id type at hash actor { email } } } }`;
const OPEN = `mutation ($id: ID!) { openMessage(id: $id) { id } }`;
const DELETE = `mutation ($id: ID!) { deleteMessage(id: $id) }`;

let server: TestServer;
let moved = 0;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
afterEach(() => {
  server.clock.advance(-moved);
  moved = 0;
});
const setNow = (at: number, on: TestServer = server) => {
  const ms = at - on.clock.now().getTime();
  on.clock.advance(ms);
  if (on === server) moved += ms;
};

const sql = <T = Record<string, any>>(query: string, params: unknown[] = [], on: TestServer = server) => on.services.orm.em.fork().execute<T[]>(query, params);
const verify = (on: TestServer = server) => verifyChain(on.services.orm.em.fork());

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const downloadCount = async (userId: string, messageId: string) =>
  (await sql<{ n: number }>('select count(*)::int as n from file_downloads d join stored_files f on f.id = d.file_id where d.user_id = ? and f.message_id = ?', [userId, messageId]))[0].n;
async function download(client: ApiClient, user: BuiltUser, messageId: string, fileId: string | null): Promise<void> {
  const before = await downloadCount(user.id, messageId);
  const url = fileId ? await downloadUrl(client, fileId) : (await client.gql(`mutation ($id: ID!) { downloadAll(messageId: $id) { url } }`, { id: messageId })).downloadAll.url;
  expect((await fetchBytes(url)).status).toBe(200);
  await waitUntil(async () => (await downloadCount(user.id, messageId)) > before, 'the download to be recorded');
}
const toSecond = (iso: string) => new Date(Math.floor(new Date(iso).getTime() / 1000) * 1000).toISOString();

describe('auditLog and receipt', () => {
  let S: BuiltUser, R1: BuiltUser, R2: BuiltUser, admin: BuiltUser;
  let cS: ApiClient, c1: ApiClient, c2: ApiClient, cAdmin: ApiClient;
  let files: UploadFile[];
  let message: { id: string; sentAt: string; expiresAt: string; files: { id: string; name: string; size: number; sha256: string }[] };
  let other: { id: string };

  beforeAll(async () => {
    [S, R1, R2] = [await buildUser(server), await buildUser(server, { role: Role.PARTNER }), await buildUser(server)];
    admin = await buildUser(server, { role: Role.ADMIN });
    [cS, c1, c2, cAdmin] = await Promise.all([S, R1, R2, admin].map((u) => signIn(server, u)));
    files = [randomFile('conclusions.pdf', 70_000), randomFile('bordereau.txt', 12)];
    message = await sendOk(cS, { recipients: [R1.email, R2.email], subject: 'Dossier Durand', lifetimeDays: 2 }, files);
    // Another message between the same people, whose events interleave with the first one's.
    other = await sendOk(cS, { recipients: [R1.email], subject: 'Autre dossier' }, [randomFile('x', 5)]);
    await c1.gql(OPEN, { id: other.id });
    await c1.gql(OPEN, { id: message.id });
    await download(c1, R1, message.id, message.files[0].id);
    await download(c2, R2, message.id, null); // a zip: also R2's first view
  });

  it('the receipt shows exactly the message’s events, the files’ fingerprints and each recipient’s times', async () => {
    const { receipt } = await cS.gql(RECEIPT, { id: message.id });
    const rows = await sql<{ id: string; type: string; hash: string }>('select id, type, hash from audit_events where message_id = ? order by seq', [message.id]);
    expect(receipt.events.map((e: { type: string }) => e.type)).toEqual([
      'message.sent',
      'message.notified',
      'message.notified',
      'message.viewed',
      'file.downloaded',
      'message.viewed',
      'file.downloaded',
    ]);
    expect(receipt.events.map((e: { id: string }) => e.id)).toEqual(rows.map((r) => r.id));
    expect(receipt.events.map((e: { hash: string }) => e.hash)).toEqual(rows.map((r) => r.hash));
    expect(receipt.lastHash).toBe(rows.at(-1)!.hash);
    expect(receipt.events.map((e: { actor: { email: string } | null }) => e.actor?.email ?? null)).toEqual([S.email, null, null, R1.email, R1.email, R2.email, R2.email]);
    for (const event of receipt.events) expect(event.at).toMatch(/T\d\d:\d\d:\d\d\.000Z$/); // UTC, to the second

    expect(receipt).toMatchObject({ messageId: message.id, subject: 'Dossier Durand', sender: { email: S.email }, sentAt: message.sentAt, expiresAt: message.expiresAt, deletedAt: null, purgedAt: null });
    expect(receipt.files).toEqual(files.map((f, i) => ({ id: message.files[i].id, name: f.name, size: f.content.length, sha256: sha256(f.content) })));
    const [first, second] = receipt.recipients;
    expect(first).toMatchObject({ user: { email: R1.email }, downloads: [{ file: { id: message.files[0].id }, viaZip: false }] });
    expect(second).toMatchObject({ user: { email: R2.email } });
    // notified in the sending transaction: the second of sentAt, or the next one when it ran across a second boundary
    const notifiedAt = receipt.events.filter((e: { type: string }) => e.type === 'message.notified').map((e: { at: string }) => e.at);
    expect([first.notifiedAt, second.notifiedAt]).toEqual(notifiedAt);
    for (const at of notifiedAt) expect(Date.parse(at) - Date.parse(toSecond(message.sentAt))).toBeOneOf([0, 1000]);
    expect(second.downloads.map((d: { file: { id: string }; viaZip: boolean }) => [d.file.id, d.viaZip]).sort()).toEqual(message.files.map((f) => [f.id, true]).sort());
    // Each time is that of the chained event that proves it, so a download never precedes the view it implies.
    const at = (type: string) => receipt.events.filter((e: { type: string }) => e.type === type).map((e: { at: string }) => e.at);
    expect([first.viewedAt, second.viewedAt]).toEqual(at('message.viewed'));
    expect([first.downloads[0].at, second.downloads[0].at, second.downloads[1].at]).toEqual([at('file.downloaded')[0], at('file.downloaded')[1], at('file.downloaded')[1]]);
    for (const r of [first, second]) for (const d of r.downloads) expect(new Date(d.at).getTime()).toBeGreaterThanOrEqual(new Date(r.viewedAt).getTime());

    // The other message's receipt holds only its own events.
    const otherReceipt = (await cS.gql(RECEIPT, { id: other.id })).receipt;
    expect(otherReceipt.events.map((e: { type: string }) => e.type)).toEqual(['message.sent', 'message.notified', 'message.viewed']);
  });

  it('the sender, each recipient and an admin read the same log and receipt; anyone else gets NOT_FOUND', async () => {
    const log = (await cS.gql(AUDIT_LOG, { id: message.id })).auditLog;
    expect(log.map((e: { type: string }) => e.type)[0]).toBe('message.sent');
    const receipt = (await cS.gql(RECEIPT, { id: message.id })).receipt;
    expect(log).toEqual(receipt.events);
    for (const client of [c1, c2, cAdmin]) {
      expect((await client.gql(AUDIT_LOG, { id: message.id })).auditLog).toEqual(log);
      expect((await client.gql(RECEIPT, { id: message.id })).receipt).toEqual(receipt);
    }
    const stranger = await signIn(server, await buildUser(server, { role: Role.PARTNER }));
    const otherAgent = await signIn(server, await buildUser(server));
    for (const client of [stranger, otherAgent]) {
      for (const query of [AUDIT_LOG, RECEIPT]) {
        expect((await client.gqlError(query, { id: message.id })).code).toBe('NOT_FOUND');
        expect((await client.gqlError(query, { id: randomUUID() })).code).toBe('NOT_FOUND');
        expect((await client.gqlError(query, { id: 'pas-un-uuid' })).code).toBe('NOT_FOUND');
      }
    }
    expect((await c2.gqlError(RECEIPT, { id: other.id })).code).toBe('NOT_FOUND'); // R2 is not a party to the other message
    for (const query of [AUDIT_LOG, RECEIPT]) expect((await server.client().gqlError(query, { id: message.id })).code).toBe('UNAUTHENTICATED');
  });

  it('after deletion from an inbox, expiry and purge: the parties still get the whole record', async () => {
    await c2.gql(DELETE, { id: message.id }); // R2 hides it from her inbox
    setNow(new Date(message.expiresAt).getTime());
    await server.services.lifecycle.runOnce();
    const c2Later = await signIn(server, R2);
    const { receipt } = await c2Later.gql(RECEIPT, { id: message.id });
    const types = receipt.events.map((e: { type: string }) => e.type);
    expect(types.slice(-3)).toEqual(['message.deleted', 'message.expired', 'message.purged']);
    expect(receipt.purgedAt).not.toBeNull();
    const [last] = await sql<{ hash: string }>('select hash from audit_events where message_id = ? order by seq desc limit 1', [message.id]);
    expect(receipt.lastHash).toBe(last.hash);
    expect((await (await signIn(server, S)).gql(AUDIT_LOG, { id: message.id })).auditLog.map((e: { type: string }) => e.type)).toEqual(types);
  });
});

describe('the hash chain', () => {
  let db: pg.Client;
  beforeAll(async () => {
    // Some history: accounts, logins, a message opened and downloaded.
    const S = await buildUser(server);
    const R = await buildUser(server, { role: Role.PARTNER });
    const message = await sendOk(await signIn(server, S), { recipients: [R.email] }, [randomFile('a', 100)]);
    const cR = await signIn(server, R);
    await cR.gql(OPEN, { id: message.id });
    await download(cR, R, message.id, message.files[0].id);
    db = new pg.Client({ connectionString: server.databaseUrl }); // the tests' superuser, as an intruder with SQL access
    await db.connect();
  });
  afterAll(() => db?.end());

  type Row = AuditRow;
  const rows = async () => (await db.query<Row>('select * from audit_events order by seq')).rows;
  const insert = (r: Row) =>
    db.query('insert into audit_events (id, seq, type, at, actor_id, subject_user_id, message_id, data, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      r.id,
      r.seq,
      r.type,
      r.at,
      r.actor_id,
      r.subject_user_id,
      r.message_id,
      JSON.stringify(r.data),
      r.prev_hash,
      r.hash,
    ]);
  /** A row whose own hash is right for its content (as a forger who read the code would make it). */
  const forge = (r: Omit<Row, 'hash'>): Row => ({
    ...r,
    hash: chainHash(chainedFieldsOf(r)),
  });
  /** Moves rows with seq > after by `by` (in two steps, as seq is unique). */
  const renumber = async (after: number, by: number) => {
    await db.query('update audit_events set seq = -(seq + $2) where seq > $1', [after, by]);
    await db.query('update audit_events set seq = -seq where seq < 0');
  };
  async function tampering(change: () => Promise<void>, undo: () => Promise<void>) {
    await db.query('alter table audit_events disable trigger audit_events_append_only');
    try {
      await change();
      return await verify();
    } finally {
      await undo();
      await db.query('alter table audit_events enable trigger audit_events_append_only');
      expect((await verify()).ok).toBe(true);
    }
  }
  const cli = async () => {
    const env = { ...process.env, DATABASE_URL: server.databaseUrl, SMTP_URL: server.mail.url, DATA_DIR: server.services.config.dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const result = await run('npm', ['run', '--silent', 'admin', '--', 'verify-audit'], { env, cwd: process.cwd() }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    return { code: result.code, stdout: result.stdout };
  };

  it('verifies on a normal log, and the database refuses updates and deletes', async () => {
    const all = await rows();
    expect(all.length).toBeGreaterThan(10);
    expect(all.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i + 1));
    expect(await verify()).toEqual({ ok: true, checked: all.length });
    await expect(db.query(`update audit_events set type = 'login' where seq = 2`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from audit_events where seq = 2`)).rejects.toThrow(/append-only/);
    expect((await rows()).length).toBe(all.length);
  });

  it('names a row changed in SQL', async () => {
    const all = await rows();
    const target = all[Math.floor(all.length / 2)];
    for (const [column, value] of [
      ['data', JSON.stringify({ ...target.data, forged: true })],
      ['at', new Date(target.at.getTime() + 1000)],
      ['type', 'login.failed'],
    ] as const) {
      const result = await tampering(
        () => db.query(`update audit_events set ${column} = $1 where id = $2`, [value, target.id]).then(() => undefined),
        () => db.query(`update audit_events set ${column} = $1 where id = $2`, [column === 'data' ? JSON.stringify(target.data) : target[column], target.id]).then(() => undefined),
      );
      expect(result, column).toMatchObject({ ok: false, checked: Number(target.seq) - 1, problem: { kind: 'changed', seq: target.seq, id: target.id } });
      expect(result.problem!.message).toContain(target.id);
    }
  });

  it('names a row inserted in SQL with a plausible hash, in the middle or at the end', async () => {
    const all = await rows();
    const k = Math.floor(all.length / 2);
    const before = all[k - 1]; // seq k
    const forged = forge({ ...before, id: randomUUID(), seq: String(k + 1), type: 'message.viewed', data: {}, prev_hash: before.hash });
    const middle = await tampering(
      async () => {
        await renumber(k, 1);
        await insert(forged);
      },
      async () => {
        await db.query('delete from audit_events where id = $1', [forged.id]);
        await renumber(k + 1, -1);
      },
    );
    expect(middle).toMatchObject({ ok: false, checked: k, problem: { kind: 'inserted', seq: forged.seq, id: forged.id } });
    expect(middle.problem!.message).toContain(forged.id);

    const last = all.at(-1)!;
    const appended = forge({ ...last, id: randomUUID(), seq: String(Number(last.seq) + 1), prev_hash: all.at(-2)!.hash });
    const end = await tampering(
      () => insert(appended).then(() => undefined),
      () => db.query('delete from audit_events where id = $1', [appended.id]).then(() => undefined),
    );
    expect(end).toMatchObject({ ok: false, checked: all.length, problem: { kind: 'inserted', seq: appended.seq, id: appended.id } });
  });

  it('names the row after a row removed in SQL', async () => {
    const all = await rows();
    const k = Math.floor(all.length / 3);
    const removed = all[k - 1];
    const next = all[k];
    const result = await tampering(
      () => db.query('delete from audit_events where id = $1', [removed.id]).then(() => undefined),
      () => insert(removed).then(() => undefined),
    );
    expect(result).toMatchObject({ ok: false, checked: k - 1, problem: { kind: 'removed', seq: next.seq, id: next.id } });
    expect(result.problem!.message).toContain(next.id);

    // Removed and the rest renumbered to close the gap: the first renumbered row no longer fits.
    const closed = await tampering(
      async () => {
        await db.query('delete from audit_events where id = $1', [removed.id]);
        await renumber(k, -1);
      },
      async () => {
        await renumber(k - 1, 1);
        await insert(removed);
      },
    );
    expect(closed).toMatchObject({ ok: false, checked: k - 1, problem: { id: next.id } });
  });

  it('npm run admin -- verify-audit exits 1 naming the row on a broken log, 0 on an intact one', async () => {
    const all = await rows();
    const target = all[3];
    await db.query('alter table audit_events disable trigger audit_events_append_only');
    try {
      await db.query(`update audit_events set data = '{"edited": 1}' where id = $1`, [target.id]);
      const broken = await cli();
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(`audit log BROKEN after ${Number(target.seq) - 1} good rows`);
      expect(broken.stdout).toContain(`row ${target.seq} (${target.id}) was changed`);
    } finally {
      await db.query('update audit_events set data = $1 where id = $2', [JSON.stringify(target.data), target.id]);
      await db.query('alter table audit_events enable trigger audit_events_append_only');
    }
    const intact = await cli();
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(`audit log intact: ${(await rows()).length} rows, chain verified`);
  }, 60_000);
});

describe('retention', () => {
  it('removes purged messages and log rows past AUDIT_RETENTION_DAYS; the chain verifies from the anchor', async () => {
    const kept = await startTestServer({ env: { AUDIT_RETENTION_DAYS: '2' } });
    try {
      const S = await buildUser(kept);
      const R = await buildUser(kept, { role: Role.PARTNER });
      const cS = await signIn(kept, S);
      const t0 = kept.clock.now().getTime();
      const old = await sendOk(cS, { recipients: [R.email], subject: 'Ancien', lifetimeDays: 1 }, [randomFile('a', 10)]);
      const later = await sendOk(cS, { recipients: [R.email], subject: 'Plus tard', lifetimeDays: 3 }, [randomFile('b', 10)]);
      const count = async (table: string) => (await sql<{ n: number }>(`select count(*)::int as n from ${table}`, [], kept))[0].n;
      const anchor = async () => (await sql<{ seq: string; hash: string }>('select seq, hash from audit_anchor', [], kept))[0];
      const firstSeq = async () => (await sql<{ seq: string }>('select min(seq) as seq from audit_events', [], kept))[0].seq;

      setNow(t0 + DAY + 10_000, kept);
      await kept.services.lifecycle.runOnce(); // the old message expires and is purged
      expect(await anchor()).toBeUndefined();

      setNow(t0 + 3 * DAY + 20_000, kept);
      await kept.services.lifecycle.runOnce();
      // The old message (expired more than 2 days ago) is gone with its files' rows; the later one, expired now, stays.
      expect((await sql<{ id: string }>('select id from messages order by sent_at', [], kept)).map((m) => m.id)).toEqual([later.id]);
      expect(await sql('select 1 from stored_files where message_id = ?', [old.id], kept)).toEqual([]);
      expect(await sql('select 1 from message_recipients where message_id = ?', [old.id], kept)).toEqual([]);
      // Old log rows are gone, but not those of a message still kept: its receipt is whole.
      const cut = await anchor();
      expect(cut).toBeDefined();
      expect(Number(await firstSeq())).toBe(Number(cut.seq) + 1);
      const cS2 = await signIn(kept, S);
      const receipt = (await cS2.gql(RECEIPT, { id: later.id })).receipt;
      expect(receipt.events.map((e: { type: string }) => e.type)).toEqual(['message.sent', 'message.notified', 'message.expired', 'message.purged']);
      expect((await cS2.gqlError(RECEIPT, { id: old.id })).code).toBe('NOT_FOUND');
      expect(await verify(kept)).toEqual({ ok: true, checked: await count('audit_events') });

      // Long after: every row is past retention and goes; what is logged next chains from the anchor.
      setNow(t0 + 10 * DAY, kept);
      await kept.services.lifecycle.runOnce();
      expect(await count('messages')).toBe(0);
      expect(await count('audit_events')).toBe(0);
      const end = await anchor();
      expect(await verify(kept)).toEqual({ ok: true, checked: 0 });
      await signIn(kept, R);
      const [next] = await sql<{ seq: string; prev_hash: string }>('select seq, prev_hash from audit_events', [], kept);
      expect(next).toEqual({ seq: String(Number(end.seq) + 1), prev_hash: end.hash });
      expect(await verify(kept)).toEqual({ ok: true, checked: 1 });
    } finally {
      await kept.close();
    }
  });
});
