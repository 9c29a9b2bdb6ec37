// The life of a message after it is sent, over real HTTP, PostgreSQL and SMTP: the six mail
// preferences, who is told what and when, the expiry warnings under a moved clock (−72 h, −24 h,
// the 12-hour skip rule), two instances on one database, and the purge of expired bytes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import type { BlobStore } from '../../server/src/infra/storage/blob-store.js';
import { LocalBlobStore } from '../../server/src/infra/storage/local-blob-store.js';
import { PREFERENCE_KEYS, type PreferenceKey } from '../../server/src/notifications/preferences.entity.js';
import type { ApiClient } from '../support/api-client.js';
import { buildUser, signIn, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadUrl, fetchBytes, randomFile, sendOk, type UploadFile } from '../support/uploads.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PREFS_FIELDS = 'expiryFirstWarning expirySecondWarning fileDownloaded messageReceived messageViewed messageDeleted';
const PREFERENCES = `{ preferences { ${PREFS_FIELDS} } }`;
const UPDATE = `mutation ($input: PreferencesInput!) { updatePreferences(input: $input) { ${PREFS_FIELDS} } }`;
const OPEN = `mutation ($id: ID!) { openMessage(id: $id) { id } }`;
const DELETE = `mutation ($id: ID!) { deleteMessage(id: $id) }`;
const DOWNLOAD_ALL = `mutation ($id: ID!) { downloadAll(messageId: $id) { url } }`;
const DOWNLOAD = `mutation ($id: ID!) { download(fileId: $id) { url } }`;
const ALL_ON = Object.fromEntries(PREFERENCE_KEYS.map((k) => [k, true]));

let server: TestServer;
/** How far this file moved the shared server's clock; undone after each test. */
let moved = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
afterEach(() => {
  server.clock.advance(-moved);
  moved = 0;
});

function advance(ms: number): void {
  server.clock.advance(ms);
  moved += ms;
}
/** Moves the clock so that it reads `at` now (and runs on from there). */
const setNow = (at: number) => advance(at - server.clock.now().getTime());

const sql = <T = Record<string, any>>(query: string, params: unknown[] = [], on: TestServer = server) => on.services.orm.em.fork().execute<T[]>(query, params);

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
/** Every committed mail has reached the SMTP sink (the outbox is written in the same transaction as the change). */
const drained = (on: TestServer = server, timeoutMs = 30_000) =>
  waitUntil(async () => (await sql<{ n: number }>('select count(*)::int as n from outbox_mails where sent_at is null', [], on))[0].n === 0, 'the outbox to drain', timeoutMs);
/** Complete downloads recorded for a user (the server records them just after the last byte leaves). */
const downloadCount = async (userId: string, messageId: string) =>
  (await sql<{ n: number }>('select count(*)::int as n from file_downloads d join stored_files f on f.id = d.file_id where d.user_id = ? and f.message_id = ?', [userId, messageId]))[0].n;

async function download(client: ApiClient, user: BuiltUser, messageId: string, fileId: string | null): Promise<void> {
  const before = await downloadCount(user.id, messageId);
  const url = fileId ? (await client.gql(DOWNLOAD, { id: fileId })).download.url : (await client.gql(DOWNLOAD_ALL, { id: messageId })).downloadAll.url;
  const response = await fetchBytes(url);
  expect(response.status).toBe(200);
  await waitUntil(async () => (await downloadCount(user.id, messageId)) > before, 'the download to be recorded');
}

const KINDS: [string, string][] = [
  ['PLEX : nouveaux documents de ', 'received'],
  ['PLEX : copie de votre message — ', 'copy'],
  ['PLEX : message consulté — ', 'viewed'],
  ['PLEX : fichiers téléchargés — ', 'downloaded'],
  ['PLEX : message bientôt expiré — ', 'expiry'],
  ['PLEX : message supprimé — ', 'deleted'],
];
const kindOf = (subject: string) => KINDS.find(([prefix]) => subject.startsWith(prefix))?.[1] ?? subject;
/** The mails about a message (by its unique subject) to `email`, from position `from` of the sink. */
const mailsTo = (email: string, subject: string, from = 0, on: TestServer = server) =>
  on.mail.mails.slice(from).filter((m) => m.to.includes(email) && m.subject.endsWith(`— ${subject}`));
const kindsTo = (email: string, subject: string, from = 0) => mailsTo(email, subject, from).map((m) => kindOf(m.subject)).sort();

const tag = () => Math.random().toString(36).slice(2, 8);

describe('preferences', () => {
  it('are all on by default; updatePreferences changes only the switches given, and they persist', async () => {
    const user = await buildUser(server);
    const other = await buildUser(server);
    const client = await signIn(server, user);
    expect((await client.gql(PREFERENCES)).preferences).toEqual(ALL_ON);

    const changed = (await client.gql(UPDATE, { input: { fileDownloaded: false, messageViewed: false } })).updatePreferences;
    expect(changed).toEqual({ ...ALL_ON, fileDownloaded: false, messageViewed: false });
    const again = (await client.gql(UPDATE, { input: { messageViewed: true, expiryFirstWarning: null } })).updatePreferences;
    expect(again).toEqual({ ...ALL_ON, fileDownloaded: false });
    expect((await client.gql(UPDATE, { input: {} })).updatePreferences).toEqual({ ...ALL_ON, fileDownloaded: false });

    // Persisted: a new session (and the database) see the same switches; another user keeps hers.
    const fresh = await signIn(server, user);
    expect((await fresh.gql(PREFERENCES)).preferences).toEqual({ ...ALL_ON, fileDownloaded: false });
    expect(await sql('select file_downloaded, message_viewed from preferences where user_id = ?', [user.id])).toEqual([{ file_downloaded: false, message_viewed: true }]);
    expect((await (await signIn(server, other)).gql(PREFERENCES)).preferences).toEqual(ALL_ON);
  });

  it('need a signed-in user', async () => {
    const anonymous = server.client();
    expect((await anonymous.gqlError(PREFERENCES)).code).toBe('UNAUTHENTICATED');
    expect((await anonymous.gqlError(UPDATE, { input: { messageViewed: false } })).code).toBe('UNAUTHENTICATED');
  });
});

/**
 * A whole life: S sends two files to R1, R2, R3 (4 days); R1 and R2 open it (R1 twice), R1 downloads
 * file A twice, R3 downloads everything as a zip twice; both warnings come; R3 deletes it from her
 * inbox, then S deletes it. With `off`, S and R1 have that switch off (R2 and R3 keep everything on).
 */
async function life(off: PreferenceKey | null) {
  const S = await buildUser(server, { role: Role.AGENT });
  const [R1, R2, R3] = [await buildUser(server, { role: Role.PARTNER }), await buildUser(server, { role: Role.PARTNER }), await buildUser(server, { role: Role.AGENT })];
  let [cS, c1, c2, c3] = await Promise.all([S, R1, R2, R3].map((u) => signIn(server, u)));
  if (off) for (const client of [cS, c1]) await client.gql(UPDATE, { input: { [off]: false } });
  const subject = `Vie ${off ?? 'tout'} ${tag()}`;
  const files: UploadFile[] = [randomFile('acte-A.pdf', 3000), randomFile('annexe-B.pdf', 20)];
  const message = await sendOk(cS, { recipients: [R1.email, R2.email, R3.email], subject, lifetimeDays: 4 }, files);
  const [A] = message.files;
  const expiresAt = new Date(message.expiresAt).getTime();

  await c1.gql(OPEN, { id: message.id });
  await c1.gql(OPEN, { id: message.id });
  await c2.gql(OPEN, { id: message.id });
  await download(c1, R1, message.id, A.id);
  await download(c1, R1, message.id, A.id);
  await download(c3, R3, message.id, null); // also R3's first view
  await download(c3, R3, message.id, null);
  await drained();

  setNow(expiresAt - 72 * HOUR);
  await server.services.lifecycle.runOnce();
  await server.services.lifecycle.runOnce();
  await drained();
  const second = server.mail.mails.length;
  setNow(expiresAt - 24 * HOUR);
  await server.services.lifecycle.runOnce();
  await server.services.lifecycle.runOnce();
  await drained();
  const afterWarnings = server.mail.mails.length;

  [cS, c3] = [await signIn(server, S), await signIn(server, R3)]; // the earlier sessions timed out
  await c3.gql(DELETE, { id: message.id });
  await cS.gql(DELETE, { id: message.id });
  await drained();

  const labels = (user: BuiltUser) =>
    mailsTo(user.email, subject)
      .map((m) => {
        const kind = kindOf(m.subject);
        return kind === 'expiry' ? (server.mail.mails.indexOf(m) < second ? 'expiry-first' : 'expiry-second') : kind;
      })
      .sort();
  return { S, R1, R2, R3, subject, message, files, labels, afterWarnings };
}

const LABEL: Record<PreferenceKey, string> = {
  messageReceived: 'received',
  messageViewed: 'viewed',
  fileDownloaded: 'downloaded',
  messageDeleted: 'deleted',
  expiryFirstWarning: 'expiry-first',
  expirySecondWarning: 'expiry-second',
};
const EXPECTED = {
  S: ['copy', 'viewed', 'viewed', 'viewed', 'downloaded', 'downloaded', 'expiry-first', 'expiry-second', 'deleted'],
  R1: ['received', 'expiry-first', 'expiry-second', 'deleted'],
  R2: ['received', 'expiry-first', 'expiry-second', 'deleted'],
  R3: ['received'], // downloaded every file: no warning; had deleted it already: not told of the sender's deletion
};
const without = (labels: string[], label: string | null) => labels.filter((l) => l !== label).sort();

describe('notification mails', () => {
  it('with every switch on: each mail once, to the right party, with the right content', async () => {
    const { S, R1, R2, R3, subject, message, files, labels, afterWarnings } = await life(null);
    expect(labels(S)).toEqual([...EXPECTED.S].sort());
    expect(labels(R1)).toEqual([...EXPECTED.R1].sort());
    expect(labels(R2)).toEqual([...EXPECTED.R2].sort());
    expect(labels(R3)).toEqual(EXPECTED.R3);

    const link = `${server.url}/messages/${message.id}`;
    const toS = (kind: string) => mailsTo(S.email, subject).filter((m) => kindOf(m.subject) === kind);
    const viewed = toS('viewed');
    for (const r of [R1, R2, R3]) expect(viewed.filter((m) => m.text.includes(`${r.displayName} <${r.email}>`))).toHaveLength(1);
    const [byR1, byR3] = [R1, R3].map((r) => toS('downloaded').find((m) => m.text.includes(`<${r.email}>`))!);
    expect(byR1.text).toContain(files[0].name);
    expect(byR1.text).not.toContain(files[1].name);
    expect(byR3.text).toContain(files[0].name); // the zip: one mail listing every file
    expect(byR3.text).toContain(files[1].name);
    for (const mail of [...viewed, byR1, byR3, ...toS('copy')]) expect(mail.text).toContain(link);
    // Deletion: each other party is told who deleted it, with the message's link.
    const deletedForS = toS('deleted')[0];
    expect(deletedForS.text).toContain(`${R3.displayName} <${R3.email}>`);
    const deletedForR1 = mailsTo(R1.email, subject, afterWarnings).find((m) => kindOf(m.subject) === 'deleted')!;
    expect(deletedForR1.text).toContain(`${S.displayName} <${S.email}>`);
    for (const mail of [deletedForS, deletedForR1]) expect(mail.text).toContain(link);
  });

  for (const key of PREFERENCE_KEYS) {
    it(`with ${key} off: that mail is not sent to those who turned it off, every other mail still is`, async () => {
      const { S, R1, R2, R3, labels } = await life(key);
      expect(labels(S)).toEqual(without(EXPECTED.S, LABEL[key])); // the sender's copy always comes
      expect(labels(R1)).toEqual(without(EXPECTED.R1, LABEL[key]));
      expect(labels(R2)).toEqual([...EXPECTED.R2].sort());
      expect(labels(R3)).toEqual(EXPECTED.R3);
    });
  }

  it('downloads by one recipient that complete at once: each file announced in one mail only', async () => {
    const S = await buildUser(server);
    const R = await buildUser(server, { role: Role.PARTNER });
    const subject = `Double clic ${tag()}`;
    const message = await sendOk(await signIn(server, S), { recipients: [R.email], subject }, [randomFile('a', 200_000), randomFile('b', 10)]);
    const cR = await signIn(server, R);
    await cR.gql(OPEN, { id: message.id });
    const links = [
      (await cR.gql(DOWNLOAD, { id: message.files[0].id })).download.url,
      (await cR.gql(DOWNLOAD, { id: message.files[0].id })).download.url,
      (await cR.gql(DOWNLOAD_ALL, { id: message.id })).downloadAll.url,
    ];
    const responses = await Promise.all(links.map((url) => fetchBytes(url)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitUntil(async () => (await downloadCount(R.id, message.id)) === 4, 'the downloads to be recorded');
    await drained();
    const mails = mailsTo(S.email, subject).filter((m) => kindOf(m.subject) === 'downloaded');
    // Each file is announced once, whichever response finished first.
    expect(mails.flatMap((m) => [...m.text.matchAll(/^• (\S+) —/gm)].map((x) => x[1])).sort()).toEqual(['a', 'b']);
  });

  it('the sender’s copy is sent even with every switch off', async () => {
    const S = await buildUser(server);
    const R = await buildUser(server, { role: Role.PARTNER });
    const cS = await signIn(server, S);
    await cS.gql(UPDATE, { input: Object.fromEntries(PREFERENCE_KEYS.map((k) => [k, false])) });
    const subject = `Copie ${tag()}`;
    await sendOk(cS, { recipients: [R.email], subject }, [randomFile('f', 10)]);
    await drained();
    expect(kindsTo(S.email, subject)).toEqual(['copy']);
    expect(kindsTo(R.email, subject)).toEqual(['received']);
  });
});

describe('expiry warnings', () => {
  it('come at expiresAt − 72 h and − 24 h to the second, each once, to the sender and to whoever lacks a file', async () => {
    const S = await buildUser(server);
    const [done, partial, none] = [await buildUser(server, { role: Role.PARTNER }), await buildUser(server, { role: Role.PARTNER }), await buildUser(server)];
    const cS = await signIn(server, S);
    const subject = `Avertissements ${tag()}`;
    const message = await sendOk(cS, { recipients: [done.email, partial.email, none.email], subject, lifetimeDays: 5 }, [randomFile('a', 100), randomFile('b', 100)]);
    const cDone = await signIn(server, done);
    const cPartial = await signIn(server, partial);
    await download(cDone, done, message.id, message.files[0].id);
    await download(cDone, done, message.id, message.files[1].id);
    await download(cPartial, partial, message.id, message.files[1].id);
    await drained();
    const expiresAt = new Date(message.expiresAt).getTime();
    const expiryMails = () => server.mail.mails.filter((m) => m.subject === `PLEX : message bientôt expiré — ${subject}`).flatMap((m) => m.to).sort();
    const run = async () => {
      await server.services.lifecycle.runOnce();
      await drained();
    };

    await run();
    setNow(expiresAt - 72 * HOUR - 1000);
    await run();
    expect(expiryMails()).toEqual([]);
    setNow(expiresAt - 72 * HOUR);
    await run();
    const once = [S.email, partial.email, none.email].sort();
    expect(expiryMails()).toEqual(once);
    await run();
    setNow(expiresAt - 24 * HOUR - 1000);
    await run();
    expect(expiryMails()).toEqual(once);
    setNow(expiresAt - 24 * HOUR);
    await run();
    expect(expiryMails()).toEqual([...once, ...once].sort());
    setNow(expiresAt - 1000);
    await run();
    expect(expiryMails()).toEqual([...once, ...once].sort());
    const warned = await sql<{ data: { warning: string; to: string[] } }>(`select data from audit_events where type = 'message.warned' and message_id = ? order by seq`, [message.id]);
    expect(warned.map((w) => w.data.warning)).toEqual(['first', 'second']);
    expect(warned[0].data.to.sort()).toEqual([S.id, partial.id, none.id].sort());
    // The mail says when, and lists the files with their fingerprints.
    const mail = mailsTo(none.email, subject).find((m) => kindOf(m.subject) === 'expiry')!;
    expect(mail.text).toContain(message.files[0].sha256);
    expect(mail.text).toContain(`${server.url}/messages/${message.id}`);
  });

  it('skips a warning whose time falls less than 12 hours after sending, on both sides of the rule', async () => {
    const S = await buildUser(server);
    const R = await buildUser(server, { role: Role.PARTNER });
    const cS = await signIn(server, S);
    const t = tag();
    const send = (subject: string, lifetimeDays: number) => sendOk(cS, { recipients: [R.email], subject, lifetimeDays }, [randomFile('f', 10)]);
    const oneDay = await send(`Un jour ${t}`, 1); // both warnings fall at or before sending
    const twoDays = await send(`Deux jours ${t}`, 2); // first before sending; second 24 h after
    const threeDays = await send(`Trois jours ${t}`, 3); // first at sending: skipped; second 48 h after
    const fourDays = await send(`Quatre jours ${t}`, 4); // first 24 h after sending
    // Exactly at the rule: the first warning falls 12 h after sending (sent), or 1 s less (skipped).
    const twelve = await send(`Douze heures ${t}`, 5);
    const almost = await send(`Presque douze ${t}`, 5);
    await sql(`update messages set expires_at = sent_at + interval '84 hours' where id = ?`, [twelve.id]);
    await sql(`update messages set expires_at = sent_at + interval '84 hours' - interval '1 second' where id = ?`, [almost.id]);
    const dueAt = Math.max(new Date(twelve.sentAt).getTime(), new Date(almost.sentAt).getTime()) + 12 * HOUR;
    const count = (m: { subject: string }) => mailsTo(R.email, m.subject).filter((x) => kindOf(x.subject) === 'expiry').length;
    const run = async () => {
      await server.services.lifecycle.runOnce();
      await drained();
    };

    await run(); // at sending: the warnings already due are skipped, not sent
    expect([oneDay, twoDays, threeDays, fourDays, twelve, almost].map(count)).toEqual([0, 0, 0, 0, 0, 0]);
    setNow(dueAt);
    await run();
    expect([twelve, almost].map(count)).toEqual([1, 0]);
    setNow(new Date(fourDays.sentAt).getTime() + DAY);
    await run();
    expect([oneDay, twoDays, threeDays, fourDays].map(count)).toEqual([0, 1, 0, 1]);
    setNow(new Date(threeDays.sentAt).getTime() + 2 * DAY);
    await run();
    expect([oneDay, twoDays, threeDays, fourDays].map(count)).toEqual([0, 1, 1, 1]);
    setNow(new Date(fourDays.sentAt).getTime() + 3 * DAY);
    await run();
    expect([oneDay, twoDays, threeDays, fourDays].map(count)).toEqual([0, 1, 1, 2]);
    // The sender is warned the same way.
    expect(mailsTo(S.email, fourDays.subject).filter((x) => kindOf(x.subject) === 'expiry')).toHaveLength(2);
    expect(mailsTo(S.email, threeDays.subject).filter((x) => kindOf(x.subject) === 'expiry')).toHaveLength(1);
  });

  it('two instances on one database send each warning once and purge each message once', async () => {
    const second = await startTestServer({
      databaseUrl: server.databaseUrl,
      mail: server.mail,
      env: { MASTER_KEY: server.services.config.masterKey.toString('hex'), DATA_DIR: server.services.config.dataDir },
    });
    try {
      const S = await buildUser(server);
      const [R1, R2] = [await buildUser(server, { role: Role.PARTNER }), await buildUser(second, { role: Role.PARTNER })];
      const cS = await signIn(server, S);
      const t = tag();
      const warned = [];
      const expiring = [];
      for (let i = 0; i < 21; i++) warned.push(await sendOk(cS, { recipients: [R1.email, R2.email], subject: `Deux instances ${t} n°${i}`, lifetimeDays: 4 }, [randomFile('f', 10)]));
      for (let i = 0; i < 3; i++) expiring.push(await sendOk(cS, { recipients: [R1.email], subject: `Deux instances ${t} expire ${i}`, lifetimeDays: 1 }, [randomFile('f', 10)]));
      const expiringKeys = (await Promise.all(expiring.map((m) => blobKeys(m.id)))).flat();
      for (const key of expiringKeys) expect(existsSync(blobPath(key))).toBe(true);
      const both = async (ms: number) => {
        advance(ms);
        second.clock.advance(ms);
        await Promise.all([server, second, server, second].map((s) => s.services.lifecycle.runOnce()));
        await drained(server, 90_000); // ~60 mails, one SMTP connection each

      };
      const expiryCount = (email: string, subject: string) => mailsTo(email, subject).filter((m) => kindOf(m.subject) === 'expiry').length;

      await both(DAY + 1000); // first warnings of the 4-day messages; the 1-day ones expire
      for (const m of warned) for (const user of [S, R1, R2]) expect(expiryCount(user.email, m.subject), `${m.subject} to ${user.email}`).toBe(1);
      await both(2 * DAY);
      for (const m of warned) for (const user of [S, R1, R2]) expect(expiryCount(user.email, m.subject), `${m.subject} to ${user.email}`).toBe(2);

      const ids = [...warned, ...expiring].map((m) => m.id);
      const events = await sql<{ type: string; n: number }>(
        `select type, count(*)::int as n from audit_events where message_id in (${ids.map(() => '?').join(',')})
          and type in ('message.warned', 'message.expired', 'message.purged') group by type order by type`,
        ids,
      );
      expect(events).toEqual([
        { type: 'message.expired', n: 3 },
        { type: 'message.purged', n: 3 },
        { type: 'message.warned', n: 42 },
      ]);
      for (const key of expiringKeys) expect(existsSync(blobPath(key))).toBe(false); // one DATA_DIR for both, as one shared store
      // Each mail left once even with both outboxes sending.
      expect((await sql<{ n: number }>(`select count(*)::int as n from outbox_mails where subject like ?`, [`%Deux instances ${t}%`]))[0].n).toBe(
        server.mail.mails.filter((m) => m.subject.includes(`Deux instances ${t}`)).length,
      );
    } finally {
      await second.close();
    }
  }, 240_000);
});

/** Blob files under the local store of the shared server. */
const blobPath = (key: string, root = join(server.services.config.dataDir, 'files')) => join(root, 'blobs', key.slice(0, 2), key);
const blobKeys = async (messageId: string, on: TestServer = server) =>
  (await sql<{ blob_key: string }>('select blob_key from stored_files where message_id = ? order by position', [messageId], on)).map((r) => r.blob_key);

describe('expiry and purge', () => {
  it('from expiresAt nothing downloads; the sweep deletes the bytes, marks the message purged and logs it once', async () => {
    const S = await buildUser(server);
    const R = await buildUser(server, { role: Role.PARTNER });
    const cS = await signIn(server, S);
    const message = await sendOk(cS, { recipients: [R.email], subject: `Purge ${tag()}`, lifetimeDays: 1 }, [randomFile('gros.bin', 150_000), randomFile('petit.txt', 5)]);
    const alive = await sendOk(cS, { recipients: [R.email], subject: `Reste ${tag()}`, lifetimeDays: 2 }, [randomFile('reste.bin', 1000)]);
    const keys = await blobKeys(message.id);
    const aliveKeys = await blobKeys(alive.id);
    expect(keys).toHaveLength(2);
    for (const key of [...keys, ...aliveKeys]) expect(existsSync(blobPath(key)), key).toBe(true);
    const expiresAt = new Date(message.expiresAt).getTime();

    setNow(expiresAt - 60_000);
    const cR = await signIn(server, R);
    const link = await downloadUrl(cR, message.files[0].id);
    setNow(expiresAt);
    expect((await fetchBytes(link)).status).toBe(410);
    expect((await cR.gqlError(DOWNLOAD, { id: message.files[0].id })).code).toBe('MESSAGE_EXPIRED');
    expect((await cR.gqlError(DOWNLOAD_ALL, { id: message.id })).code).toBe('MESSAGE_EXPIRED');

    const first = await server.services.lifecycle.runOnce();
    expect(first.purged).toBeGreaterThanOrEqual(1);
    for (const key of keys) expect(existsSync(blobPath(key)), key).toBe(false);
    for (const key of aliveKeys) expect(existsSync(blobPath(key)), key).toBe(true);
    const [row] = await sql<{ purged_at: Date | null }>('select purged_at from messages where id = ?', [message.id]);
    expect(row.purged_at).not.toBeNull();
    expect(await sql('select purged_at is not null as purged from stored_files where message_id = ?', [message.id])).toEqual([{ purged: true }, { purged: true }]);
    await server.services.lifecycle.runOnce();
    const events = await sql<{ type: string }>(`select type from audit_events where message_id = ? and type in ('message.expired', 'message.purged') order by seq`, [message.id]);
    expect(events.map((e) => e.type)).toEqual(['message.expired', 'message.purged']);

    // Afterwards: still expired (not an error), the metadata and fingerprints remain.
    expect((await fetchBytes(link)).status).toBe(410);
    expect((await cR.gqlError(DOWNLOAD, { id: message.files[1].id })).code).toBe('MESSAGE_EXPIRED');
    const seen = await cR.gql(`query ($id: ID!) { message(id: $id) { expired files { name size sha256 } } }`, { id: message.id });
    expect(seen.message).toEqual({ expired: true, files: message.files.map((f: { name: string; size: number; sha256: string }) => ({ name: f.name, size: f.size, sha256: f.sha256 })) });
  });

  it('a storage error on delete is retried at the next run; the message is purged only when every byte is gone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plex-flaky-store-'));
    const store = new FlakyStore(new LocalBlobStore(root));
    const flaky = await startTestServer({ store });
    try {
      const S = await buildUser(flaky);
      const R = await buildUser(flaky, { role: Role.PARTNER });
      const message = await sendOk(await signIn(flaky, S), { recipients: [R.email], lifetimeDays: 1 }, [randomFile('un', 5000), randomFile('deux', 5000)]);
      const keys = await blobKeys(message.id, flaky);
      for (const key of keys) expect(existsSync(blobPath(key, root))).toBe(true);
      flaky.clock.advance(DAY);
      store.failDeletes = 1;
      const state = async () => ({
        purged: (await sql<{ p: boolean }>('select purged_at is not null as p from messages where id = ?', [message.id], flaky))[0].p,
        events: (await sql<{ type: string }>(`select type from audit_events where message_id = ? and type in ('message.expired', 'message.purged') order by seq`, [message.id], flaky)).map((e) => e.type),
        blobs: keys.filter((key) => existsSync(blobPath(key, root))).length,
      });

      expect((await flaky.services.lifecycle.runOnce()).purged).toBe(0);
      expect(store.failed).toBe(1);
      expect(await state()).toEqual({ purged: false, events: [], blobs: 1 });
      // Still expired for everyone meanwhile.
      expect((await (await signIn(flaky, R)).gqlError(DOWNLOAD, { id: message.files[0].id })).code).toBe('MESSAGE_EXPIRED');

      expect((await flaky.services.lifecycle.runOnce()).purged).toBe(1);
      expect(await state()).toEqual({ purged: true, events: ['message.expired', 'message.purged'], blobs: 0 });
      await flaky.services.lifecycle.runOnce();
      expect(await state()).toEqual({ purged: true, events: ['message.expired', 'message.purged'], blobs: 0 });
    } finally {
      await flaky.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** The local store, except that the next `failDeletes` deletes fail as an unreachable storage would. */
class FlakyStore implements BlobStore {
  failDeletes = 0;
  failed = 0;
  constructor(private readonly inner: BlobStore) {}
  put(key: string, source: Readable) {
    return this.inner.put(key, source);
  }
  get(key: string, range?: { start: number; end: number }) {
    return this.inner.get(key, range);
  }
  async delete(key: string) {
    if (this.failDeletes > 0) {
      this.failDeletes--;
      this.failed++;
      throw new Error('storage unavailable');
    }
    return this.inner.delete(key);
  }
  exists(key: string) {
    return this.inner.exists(key);
  }
  list() {
    return this.inner.list();
  }
  sweepTemp(olderThan: Date) {
    return this.inner.sweepTemp(olderThan);
  }
}
