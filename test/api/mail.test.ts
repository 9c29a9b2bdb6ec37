// The outbox: mail survives an SMTP outage and leaves exactly once; user text cannot inject headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import { MailCatcher } from '../../server/src/infra/mail/catcher.js';
import { buildUser, signIn, uniqueEmail } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbox', () => {
  it('keeps mail while SMTP refuses it, then delivers each mail once', async () => {
    const users = await Promise.all([buildUser(server), buildUser(server), buildUser(server)]);
    server.mail.refuse = true;
    for (const user of users) await server.client().gql(REQUEST_RESET, { email: user.email });
    await sleep(800); // several refused attempts
    const pending = await server.services.orm.em
      .fork()
      .execute<{ attempts: number; sent_at: Date | null; last_error: string }[]>(
        `select attempts, sent_at, last_error from outbox_mails where recipient in (?, ?, ?)`,
        users.map((u) => u.email),
      );
    expect(pending).toHaveLength(3);
    for (const row of pending) {
      expect(row.sent_at).toBeNull();
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      expect(row.last_error).toMatch(/451/);
    }
    expect(server.mail.mails.filter((m) => users.some((u) => m.to.includes(u.email)))).toHaveLength(0);

    server.mail.refuse = false;
    for (const user of users) await server.mail.waitFor((m) => m.to.includes(user.email));
    await sleep(1000);
    for (const user of users) expect(server.mail.mails.filter((m) => m.to.includes(user.email))).toHaveLength(1);
    const sent = await server.services.orm.em
      .fork()
      .execute<{ sealed_body: Buffer | null }[]>(`select sealed_body from outbox_mails where recipient in (?, ?, ?)`, users.map((u) => u.email));
    expect(sent.every((row) => row.sealed_body === null)).toBe(true);
  });

  it('with two instances on one database, sends each mail once', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl, mail: server.mail });
    try {
      const users = await Promise.all(Array.from({ length: 12 }, () => buildUser(server)));
      await Promise.all(users.map((u, i) => (i % 2 ? server : second).client().gql(REQUEST_RESET, { email: u.email })));
      for (const user of users) await server.mail.waitFor((m) => m.to.includes(user.email));
      await sleep(800);
      for (const user of users) expect(server.mail.mails.filter((m) => m.to.includes(user.email))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('mails nothing when the change that caused it rolls back', async () => {
    const admin = await signIn(server, await buildUser(server, { role: Role.ADMIN }));
    const email = uniqueEmail('rollback');
    // The organization kind conflicts inside the creation's transaction: nothing of it is kept.
    await admin.gql(`mutation { createUser(input: { email: "${uniqueEmail()}", displayName: "O", role: PARTNER, organization: "Ordre R", organizationKind: LAWYER }) { id } }`);
    const error = await admin.gqlError(`mutation { createUser(input: { email: "${email}", displayName: "R", role: PARTNER, organization: "Ordre R", organizationKind: ASSOCIATION }) { id } }`);
    expect(error.code).toBe('BAD_USER_INPUT');
    await sleep(500);
    expect(server.mail.mails.some((m) => m.to.includes(email))).toBe(false);
    expect(await server.services.orm.em.fork().execute('select 1 from outbox_mails where recipient = ?', [email])).toEqual([]);
  });
});

describe('mail content', () => {
  it('cannot be used to inject headers through a name', async () => {
    const admin = await signIn(server, await buildUser(server, { role: Role.ADMIN }));
    const email = uniqueEmail('inject');
    await admin.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { displayName } }`, {
      input: { email, displayName: 'Eve\r\nBcc: victim@test.example\r\nSubject: piège', role: 'AGENT' },
    });
    const mail = await server.mail.waitFor((m) => m.to.includes(email));
    expect(mail.headers).not.toMatch(/^Bcc:/im);
    expect(mail.headers.match(/^Subject:/gim)).toHaveLength(1);
    expect(mail.subject).toBe('Activez votre compte PLEX');
    expect(mail.text).toContain('Bonjour Eve Bcc: victim@test.example Subject: piège,');
    expect(mail.html).not.toContain('<script');
  });

  it('is written in English for English-speaking users, with absolute links from PUBLIC_URL', async () => {
    const user = await buildUser(server, { locale: 'en' });
    await server.client({ host: 'evil.example', 'x-forwarded-host': 'evil.example' }).gql(REQUEST_RESET, { email: user.email });
    const mail = await server.mail.waitFor((m) => m.to.includes(user.email));
    expect(mail.subject).toBe('Reset your PLEX password');
    expect(mail.text).toContain(`${server.url}/reset-password?token=`);
    expect(mail.text + mail.html).not.toContain('evil.example');
    expect(mail.html).toMatch(/^<!doctype html><html lang="en">/);
  });
});

describe('catcher', () => {
  it('keeps mails across restarts when given a folder', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = join(mkdtempSync(join(tmpdir(), 'plex-mailbox-')), 'mailbox');
    const first = new MailCatcher(dir);
    await first.start();
    const { createSmtpMailer } = await import('../../server/src/infra/mail/mailer.js');
    const mailer = createSmtpMailer(first.url, 'PLEX <no-reply@test.example>');
    await mailer.send('kept@test.example', { subject: 'Gardé', text: 'bonjour', html: '<p>bonjour</p>' });
    mailer.close();
    await first.close();
    const second = new MailCatcher(dir);
    await second.start();
    expect(second.mails.map((m) => [m.to, m.subject])).toEqual([[['kept@test.example'], 'Gardé']]);
    await second.close();
  });
});
