// Accounts over real HTTP: activation, login, sessions, reset links, password changes, API tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import type { ApiClient } from '../support/api-client.js';
import { buildUser, LOGIN, ME, PASSWORD, resetLinkFor, signIn, uniqueEmail } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { randomFile, sendMessage, sendOk } from '../support/uploads.js';

const RESET = `mutation Reset($token: String!, $password: String!) { resetPassword(token: $token, password: $password) }`;
const REQUEST_RESET = `mutation Forgot($email: String!) { requestPasswordReset(email: $email) }`;
const CREATE_USER = `mutation Create($input: CreateUserInput!) { createUser(input: $input) { id email status role organization { name kind supportContact } } }`;
const DAY = 24 * 60 * 60_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
});
afterAll(() => server?.close());

/** Each test its own client address, so the per-address throttle of one test does not touch another. */
let address = 0;
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${++address}` });

describe('activation', () => {
  it('takes a new account from the activation mail through the link to a signed-in `me`', async () => {
    const admin = await buildUser(server, { role: Role.ADMIN });
    const adminClient = await signIn(server, admin, fromNewAddress());
    const email = uniqueEmail('nouvelle.avocate');
    const { createUser } = await adminClient.gql(CREATE_USER, {
      input: { email: email.toUpperCase(), displayName: 'Maître Nouvelle', role: 'PARTNER', organization: 'Barreau de Lyon', organizationKind: 'LAWYER' },
    });
    expect(createUser).toMatchObject({ email, status: 'INVITED', role: 'PARTNER', organization: { name: 'Barreau de Lyon', kind: 'LAWYER' } });

    const mail = await server.mail.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toBe('Activez votre compte PLEX');
    expect(mail.html).toContain('Maître Nouvelle');
    const { token, url } = await resetLinkFor(server, email);
    expect(url.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
    expect(mail.text).toContain(`${url}&lang=fr`);

    const client = server.client(fromNewAddress());
    expect((await client.gqlError(LOGIN, { email, password: 'Nouveau-Mot-2-passe' })).code).toBe('UNAUTHENTICATED');
    expect(await client.gql(RESET, { token, password: 'Nouveau-Mot-2-passe' })).toEqual({ resetPassword: true });
    await client.gql(LOGIN, { email: email.toUpperCase(), password: 'Nouveau-Mot-2-passe' });
    expect((await client.gql(ME)).me).toMatchObject({ email, displayName: 'Maître Nouvelle', role: 'PARTNER', status: 'ACTIVE' });
  });
});

describe('password rules', () => {
  const cases: [string, string, string[]][] = [
    ['7 characters', 'Abcdef1', ['MIN_LENGTH']],
    ['8 characters', 'Abcdef12', []],
    ['2 distinct characters', 'abababab', ['DISTINCT_CHARACTERS', 'CHARACTER_CLASSES']],
    ['3 distinct characters, 2 classes', 'aaaaaaB1', []],
    ['1 class', 'abcdefghij', ['CHARACTER_CLASSES']],
    ['2 classes (digits and specials)', '12345678!', []],
    ['256 characters', `Ab1${'x'.repeat(253)}`, []],
    ['257 characters', `Ab1${'x'.repeat(254)}`, ['MAX_LENGTH']],
    ['a common password', 'Azerty123', ['NOT_COMMON']],
  ];
  for (const [label, password, unmet] of cases) {
    it(`${label} → ${unmet.length ? unmet.join(', ') : 'accepted'}`, async () => {
      const user = await buildUser(server);
      await server.client().gql(REQUEST_RESET, { email: user.email });
      const { token } = await resetLinkFor(server, user.email);
      const client = server.client();
      if (unmet.length === 0) {
        expect(await client.gql(RESET, { token, password })).toEqual({ resetPassword: true });
        return;
      }
      const error = await client.gqlError(RESET, { token, password });
      expect(error.code).toBe('WEAK_PASSWORD');
      expect(error.extensions.unmetRules.map((r: { rule: string }) => r.rule)).toEqual(unmet);
      // The link is still usable after a refused password.
      expect(await client.gql(RESET, { token, password: 'Un-Bon-Mot-2-passe' })).toEqual({ resetPassword: true });
    });
  }

  it('refuses the e-mail address itself, and names the rules in English for an English-speaking user', async () => {
    const user = await buildUser(server, { locale: 'en', email: uniqueEmail('Long.Address') });
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const error = await server.client().gqlError(RESET, { token, password: user.email.toUpperCase() });
    expect(error.code).toBe('WEAK_PASSWORD');
    expect(error.extensions.unmetRules).toEqual([{ rule: 'NOT_EMAIL', message: 'Differ from your e-mail address.' }]);
    expect(error.message).toMatch(/^The password must:/);
  });

  it('names each unmet rule in French by default', async () => {
    const user = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const error = await server.client().gqlError(RESET, { token, password: 'aaaa' });
    expect(error.extensions.unmetRules.map((r: { message: string }) => r.message)).toEqual([
      'Comporter au moins 8 caractères.',
      'Contenir au moins 3 caractères distincts.',
      'Respecter au moins 2 des 4 règles suivantes : une majuscule, une minuscule, un chiffre, un caractère spécial.',
    ]);
  });

  it('counts characters, not bytes: emoji and spaces are allowed', async () => {
    const user = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const password = '🔐🔐 clé 🔑 ok';
    expect(await server.client().gql(RESET, { token, password })).toEqual({ resetPassword: true });
    await server.client(fromNewAddress()).gql(LOGIN, { email: user.email, password });
  });
});

describe('reset links', () => {
  it('are single use, end every session, and mail a notice', async () => {
    const user = await buildUser(server);
    const session = await signIn(server, user, fromNewAddress());
    expect((await session.gql(ME)).me.email).toBe(user.email);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const before = server.mail.mails.length;
    await server.client().gql(RESET, { token, password: 'Premier-Nouveau-1' });
    expect((await server.client().gqlError(RESET, { token, password: 'Second-Nouveau-2' })).code).toBe('INVALID_TOKEN');
    expect((await session.gql(ME)).me).toBeNull();
    const notice = await server.mail.waitFor((m) => m.to.includes(user.email) && m.subject === 'Votre mot de passe PLEX a été modifié');
    expect(server.mail.mails.indexOf(notice)).toBeGreaterThanOrEqual(before);
    await server.client(fromNewAddress()).gql(LOGIN, { email: user.email, password: 'Premier-Nouveau-1' });
  });

  it('are valid for 15 days, not a second more', async () => {
    const onTime = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: onTime.email });
    const onTimeLink = await resetLinkFor(server, onTime.email);
    server.clock.advance(15 * DAY - 60_000);
    expect(await server.client().gql(RESET, { token: onTimeLink.token, password: 'Encore-Valide-1' })).toEqual({ resetPassword: true });

    const late = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: late.email });
    const lateLink = await resetLinkFor(server, late.email);
    server.clock.advance(15 * DAY + 1000);
    expect((await server.client().gqlError(RESET, { token: lateLink.token, password: 'Trop-Tard-123' })).code).toBe('INVALID_TOKEN');
  });

  it('are voided by a newer one', async () => {
    const user = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const older = await resetLinkFor(server, user.email);
    const count = server.mail.mails.length;
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const newer = await resetLinkFor(server, user.email, count);
    expect(newer.token).not.toBe(older.token);
    expect((await server.client().gqlError(RESET, { token: older.token, password: 'Ancien-Lien-1' })).code).toBe('INVALID_TOKEN');
    expect((await server.client().gql(RESET, { token: newer.token, password: 'Nouveau-Lien-1' })).resetPassword).toBe(true);
  });

  it('answer the same for known and unknown addresses, and mail only the known one', async () => {
    const user = await buildUser(server);
    const unknown = uniqueEmail('nobody');
    const known = await server.client().request(REQUEST_RESET, { email: user.email });
    const stranger = await server.client().request(REQUEST_RESET, { email: unknown });
    expect(stranger).toEqual(known);
    expect(known.body).toEqual({ data: { requestPasswordReset: true } });
    await server.mail.waitFor((m) => m.to.includes(user.email));
    await new Promise((r) => setTimeout(r, 500));
    expect(server.mail.mails.some((m) => m.to.includes(unknown))).toBe(false);
  });

  it('are mailed at most 5 times an hour to one account, with the same answer', async () => {
    const user = await buildUser(server);
    for (let i = 0; i < 7; i++) expect(await server.client().gql(REQUEST_RESET, { email: user.email })).toEqual({ requestPasswordReset: true });
    await server.mail.waitFor((m) => server.mail.mails.filter((x) => x.to.includes(user.email)).length === 5);
    await new Promise((r) => setTimeout(r, 500));
    expect(server.mail.mails.filter((m) => m.to.includes(user.email))).toHaveLength(5);
    server.clock.advance(3_600_000 + 1000);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    await server.mail.waitFor((m) => server.mail.mails.filter((x) => x.to.includes(user.email)).length === 6);
  });

  it('store only a hash of the token', async () => {
    const user = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const em = server.services.orm.em.fork();
    const rows = await em.execute<{ token_hash: string }[]>('select token_hash from password_reset_tokens');
    expect(rows.some((r) => r.token_hash.includes(token))).toBe(false);
    const outbox = await em.execute<{ sealed_body: Buffer | null; subject: string }[]>('select sealed_body, subject from outbox_mails');
    expect(outbox.some((r) => r.sealed_body?.toString('latin1').includes(token) || r.subject.includes(token))).toBe(false);
  });
});

describe('login', () => {
  it('gives the same error for a wrong password and an unknown address', async () => {
    const user = await buildUser(server);
    const wrong = await server.client(fromNewAddress()).request(LOGIN, { email: user.email, password: 'Mauvais-Mot-1' });
    const unknown = await server.client(fromNewAddress()).request(LOGIN, { email: uniqueEmail('ghost'), password: 'Mauvais-Mot-1' });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.errors![0]).toMatchObject({ message: 'Adresse e-mail ou mot de passe incorrect.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('sets an HttpOnly, SameSite=Lax session cookie (no Secure over http) and a new one at each login', async () => {
    const user = await buildUser(server);
    const client = server.client(fromNewAddress());
    await client.gql(LOGIN, { email: user.email, password: user.password });
    const [cookie] = client.lastSetCookie;
    expect(cookie).toMatch(/^plex_session=[\w-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const first = client.cookies.get('plex_session');
    await client.gql(LOGIN, { email: user.email, password: user.password });
    expect(client.cookies.get('plex_session')).not.toBe(first);
  });

  it('logs out: the cookie is cleared and the session no longer works', async () => {
    const user = await buildUser(server);
    const client = await signIn(server, user, fromNewAddress());
    const stolen = client.cookieHeader()!;
    expect(await client.gql('mutation { logout }')).toEqual({ logout: true });
    expect(client.cookies.size).toBe(0);
    expect((await server.client({ cookie: stolen }).gql(ME)).me).toBeNull();
  });

  it('ends idle sessions and sessions past their absolute limit', async () => {
    const user = await buildUser(server);
    const idle = await signIn(server, user, fromNewAddress());
    server.clock.advance(29 * 60_000);
    expect((await idle.gql(ME)).me).not.toBeNull(); // activity resets the idle timer
    server.clock.advance(29 * 60_000);
    expect((await idle.gql(ME)).me).not.toBeNull();
    server.clock.advance(31 * 60_000);
    expect((await idle.gql(ME)).me).toBeNull();

    const busy = await signIn(server, user, fromNewAddress());
    for (let hours = 0; hours < 12; hours++) {
      server.clock.advance(25 * 60_000);
      await busy.gql(ME);
      server.clock.advance(25 * 60_000);
      await busy.gql(ME);
      server.clock.advance(10 * 60_000);
    }
    expect((await busy.gql(ME)).me).toBeNull();
  });

  it('refuses a disabled user, whose open sessions and API tokens stop working', async () => {
    const admin = await buildUser(server, { role: Role.ADMIN });
    const user = await buildUser(server);
    const session = await signIn(server, user, fromNewAddress());
    const { createApiToken } = await session.gql(`mutation { createApiToken(name: "script") { token } }`);
    const bearer = server.client({ authorization: `Bearer ${createApiToken.token}` });
    expect((await bearer.gql(ME)).me.email).toBe(user.email);

    const adminClient = await signIn(server, admin, fromNewAddress());
    const { disableUser } = await adminClient.gql(`mutation ($id: ID!) { disableUser(id: $id) { status } }`, { id: user.id });
    expect(disableUser.status).toBe('DISABLED');

    expect((await session.gql(ME)).me).toBeNull();
    expect((await bearer.gql(ME)).me).toBeNull();
    const error = await server.client(fromNewAddress()).gqlError(LOGIN, { email: user.email, password: user.password });
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Adresse e-mail ou mot de passe incorrect.' });
    // and a reset link does not bring the account back
    await server.client().gql(REQUEST_RESET, { email: user.email });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.mail.mails.some((m) => m.to.includes(user.email) && /reset-password/.test(m.text))).toBe(false);
  });
});

describe('login throttling', () => {
  it('blocks an account after 10 failures in 15 minutes, with a growing wait, then lets the right password in', async () => {
    const user = await buildUser(server);
    const attempt = (password: string) => server.client(fromNewAddress()).request(LOGIN, { email: user.email, password });
    for (let i = 0; i < 10; i++) expect((await attempt('Mauvais-Mot-1')).body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const blocked = (await attempt(user.password)).body.errors![0];
    expect(blocked.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(blocked.message).toBe('Trop de tentatives. Réessayez dans 1 minute(s).');

    server.clock.advance(61_000);
    for (let i = 0; i < 10; i++) await attempt('Mauvais-Mot-1');
    expect((await attempt(user.password)).body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120 });

    server.clock.advance(121_000);
    const ok = await attempt(user.password);
    expect(ok.body.data?.login?.email).toBe(user.email);
  });

  it('counts unknown addresses the same way, so blocking reveals nothing', async () => {
    const ghost = uniqueEmail('ghost');
    const attempt = () => server.client(fromNewAddress()).request(LOGIN, { email: ghost, password: 'Mauvais-Mot-1' });
    for (let i = 0; i < 10; i++) await attempt();
    expect((await attempt()).body.errors![0].extensions!.code).toBe('RATE_LIMITED');
  });

  it('blocks a client address trying many accounts; an aliased batch gains no extra attempts', async () => {
    const headers = fromNewAddress();
    const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: login(email: "${uniqueEmail('spray')}", password: "Mauvais-Mot-1") { id }`).join('\n');
    const sprayed = await server.client(headers).request(`mutation { ${aliases} }`);
    // Mutations run one after the other and the first failure stops the batch: one attempt, counted.
    expect(sprayed.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    for (let i = 0; i < 9; i++) await server.client(headers).request(LOGIN, { email: uniqueEmail('spray'), password: 'Mauvais-Mot-1' });
    const user = await buildUser(server);
    const error = await server.client(headers).gqlError(LOGIN, { email: user.email, password: user.password });
    expect(error.code).toBe('RATE_LIMITED');
    server.clock.advance(61_000);
    await server.client(headers).gql(LOGIN, { email: user.email, password: user.password });
  });

  it('is not reset by a forged X-Forwarded-For when no proxy is trusted', async () => {
    const direct = await startTestServer();
    try {
      const user = await buildUser(direct);
      for (let i = 0; i < 10; i++) {
        await direct.client({ 'x-forwarded-for': `203.0.113.${i}` }).request(LOGIN, { email: uniqueEmail('spray'), password: 'Mauvais-Mot-1' });
      }
      const error = await direct.client({ 'x-forwarded-for': '203.0.113.200' }).gqlError(LOGIN, { email: user.email, password: user.password });
      expect(error.code).toBe('RATE_LIMITED');
    } finally {
      await direct.close();
    }
  });
});

describe('API tokens', () => {
  it('are shown once, work as Bearer, are stored hashed, and stop at revocation', async () => {
    const user = await buildUser(server);
    const session = await signIn(server, user, fromNewAddress());
    const { createApiToken } = await session.gql(`mutation { createApiToken(name: "Export nocturne") { id name token } }`);
    expect(createApiToken.token).toMatch(/^plex_[\w-]{43}$/);
    const { apiTokens } = await session.gql(`{ apiTokens { id name } }`);
    expect(apiTokens).toEqual([{ id: createApiToken.id, name: 'Export nocturne' }]);
    const rows = await server.services.orm.em.fork().execute<{ token_hash: string }[]>('select token_hash from api_tokens');
    expect(rows.some((r) => r.token_hash === createApiToken.token)).toBe(false);

    const bearer = server.client({ authorization: `Bearer ${createApiToken.token}` });
    expect((await bearer.gql(ME)).me.email).toBe(user.email);
    expect((await server.client({ authorization: `Bearer ${createApiToken.token}x` }).gql(ME)).me).toBeNull();

    const other = await signIn(server, await buildUser(server), fromNewAddress());
    expect((await other.gqlError(`mutation ($id: ID!) { revokeApiToken(id: $id) }`, { id: createApiToken.id })).code).toBe('NOT_FOUND');
    expect((await bearer.gql(ME)).me.email).toBe(user.email);

    await session.gql(`mutation ($id: ID!) { revokeApiToken(id: $id) }`, { id: createApiToken.id });
    expect((await bearer.gql(ME)).me).toBeNull();
  });
});

describe('change password', () => {
  it('checks the current password and the rules, keeps this session, ends the others', async () => {
    const user = await buildUser(server);
    const here = await signIn(server, user, fromNewAddress());
    const elsewhere = await signIn(server, user, fromNewAddress());
    const CHANGE = `mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
    expect((await here.gqlError(CHANGE, { c: 'Pas-Le-Bon-1', n: 'Nouveau-Mot-9' })).code).toBe('BAD_USER_INPUT');
    expect((await here.gqlError(CHANGE, { c: PASSWORD, n: 'court' })).code).toBe('WEAK_PASSWORD');
    expect(await here.gql(CHANGE, { c: PASSWORD, n: 'Nouveau-Mot-9' })).toEqual({ changePassword: true });
    expect((await here.gql(ME)).me.email).toBe(user.email);
    expect((await elsewhere.gql(ME)).me).toBeNull();
    await server.mail.waitFor((m) => m.to.includes(user.email) && m.subject === 'Votre mot de passe PLEX a été modifié');
  });
});

describe('language', () => {
  const SET_LOCALE = `mutation ($locale: String!) { setLocale(locale: $locale) }`;
  const LOCALE = `query { me { locale } }`;
  const MESSAGE = `query ($id: ID!) { message(id: $id) { id } }`;
  const ALIASES = `query { ${Array.from({ length: 21 }, (_, i) => `a${i}: features { mailCatcher }`).join(' ')} }`;
  const langCookie = (client: ApiClient) => client.lastSetCookie.find((line) => line.startsWith('plex-lang='));

  it('signed out: setLocale sets the plex-lang cookie, and that browser then gets errors in English; others stay in French', async () => {
    const client = server.client(fromNewAddress());
    const wrongLogin = { email: uniqueEmail('ghost'), password: 'Mauvais-Mot-1' };
    expect((await client.gqlError(LOGIN, wrongLogin)).message).toBe('Adresse e-mail ou mot de passe incorrect.');

    expect(await client.gql(SET_LOCALE, { locale: 'en' })).toEqual({ setLocale: 'en' });
    const cookie = langCookie(client)!;
    expect(cookie).toMatch(/^plex-lang=en;/);
    expect(cookie).toMatch(/; Max-Age=31536000/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(client.cookies.get('plex-lang')).toBe('en');

    expect(await client.gqlError(LOGIN, wrongLogin)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Incorrect e-mail address or password.' });
    // Validation errors (before execution) too.
    expect(await client.gqlError(ALIASES)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', message: 'Query refused: more than 20 aliases.' });
    // A reset link used in this browser: the rules are named in English, also for a French-speaking account.
    const user = await buildUser(server);
    await server.client().gql(REQUEST_RESET, { email: user.email });
    const { token } = await resetLinkFor(server, user.email);
    const weak = await client.gqlError(RESET, { token, password: 'aaaa' });
    expect(weak.message).toMatch(/^The password must: Be at least 8 characters long\./);
    expect(weak.extensions.unmetRules.map((r: { message: string }) => r.message)).toEqual([
      'Be at least 8 characters long.',
      'Contain at least 3 distinct characters.',
      'Meet at least 2 of these 4 rules: an upper-case letter, a lower-case letter, a digit, a special character.',
    ]);

    const other = server.client(fromNewAddress());
    expect((await other.gqlError(LOGIN, wrongLogin)).message).toBe('Adresse e-mail ou mot de passe incorrect.');
    expect((await other.gqlError(ALIASES)).message).toBe('Requête refusée : plus de 20 alias.');
    const unknownCookie = server.client({ ...fromNewAddress(), cookie: 'plex-lang=de' });
    expect((await unknownCookie.gqlError(LOGIN, wrongLogin)).message).toBe('Adresse e-mail ou mot de passe incorrect.');
  });

  it("signed in: setLocale saves the user's language (by session or API token); errors and the next mails follow it", async () => {
    const user = await buildUser(server);
    const partner = await buildUser(server, { role: Role.PARTNER });
    const client = await signIn(server, user, fromNewAddress());
    const sender = await signIn(server, await buildUser(server), fromNewAddress());
    const notMine = await sendOk(sender, { recipients: [partner.email] }, [randomFile('f.txt', 10)]);
    expect((await client.gqlError(MESSAGE, { id: notMine.id })).message).toBe('Message introuvable.');

    expect(await client.gql(SET_LOCALE, { locale: 'en' })).toEqual({ setLocale: 'en' });
    expect(langCookie(client)).toMatch(/^plex-lang=en;/);
    expect((await client.gql(LOCALE)).me).toEqual({ locale: 'en' });
    expect(await client.gqlError(MESSAGE, { id: notMine.id })).toMatchObject({ code: 'NOT_FOUND', message: 'Message not found.' });
    const longSubject = await sendMessage(client, { recipients: [partner.email], subject: 'x'.repeat(201) }, [randomFile('f.txt', 10)]);
    expect(longSubject.body.errors![0]).toMatchObject({
      message: 'The subject must be 1 to 200 characters long.',
      extensions: { code: 'BAD_USER_INPUT', field: 'subject' },
    });
    // The saved language holds in a browser without the cookie, and for mail.
    const elsewhere = await signIn(server, user, fromNewAddress());
    expect((await elsewhere.gqlError(MESSAGE, { id: notMine.id })).message).toBe('Message not found.');
    await server.client(fromNewAddress()).gql(REQUEST_RESET, { email: user.email });
    const mail = await server.mail.waitFor((m) => m.to.includes(user.email) && /reset-password\?token=/.test(m.text));
    expect(mail.subject).toBe('Reset your PLEX password');
    // the link opens the reset page in English
    expect(mail.text).toMatch(/\/reset-password\?token=[\w-]+&lang=en\b/);

    // Through an API token too; the user's language then wins over the browser's cookie.
    const { createApiToken } = await client.gql(`mutation { createApiToken(name: "Langue") { token } }`);
    const bearer = server.client({ authorization: `Bearer ${createApiToken.token}` });
    expect(await bearer.gql(SET_LOCALE, { locale: 'fr' })).toEqual({ setLocale: 'fr' });
    expect((await client.gql(LOCALE)).me).toEqual({ locale: 'fr' });
    expect(client.cookies.get('plex-lang')).toBe('en');
    expect((await client.gqlError(MESSAGE, { id: notMine.id })).message).toBe('Message introuvable.');
  });

  it('refuses anything but fr or en, and changes nothing', async () => {
    const user = await buildUser(server);
    const client = await signIn(server, user, fromNewAddress());
    const anonymous = server.client(fromNewAddress());
    for (const locale of ['de', '', 'EN ', 'FR']) {
      for (const who of [client, anonymous]) {
        const error = await who.gqlError(SET_LOCALE, { locale });
        expect(error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Langue inconnue : fr ou en.', extensions: { field: 'locale' } });
        expect(langCookie(who)).toBeUndefined();
        expect(who.cookies.has('plex-lang')).toBe(false);
      }
    }
    expect((await client.gql(LOCALE)).me).toEqual({ locale: 'fr' });
    const english = await signIn(server, await buildUser(server, { locale: 'en' }), fromNewAddress());
    expect((await english.gqlError(SET_LOCALE, { locale: 'de' })).message).toBe('Unknown language: fr or en.');
    expect((await english.gql(LOCALE)).me).toEqual({ locale: 'en' });
  });
});

describe('audit', () => {
  it('records logins, failed logins, resets and activations in the chained log', async () => {
    const user = await buildUser(server);
    await server.client(fromNewAddress()).request(LOGIN, { email: user.email, password: 'Mauvais-Mot-1' });
    await signIn(server, user, fromNewAddress());
    const rows = await server.services.orm.em
      .fork()
      .execute<{ type: string; actor_id: string | null; subject_user_id: string | null }[]>(
        `select type, actor_id, subject_user_id from audit_events where actor_id = ? or subject_user_id = ? order by seq`,
        [user.id, user.id],
      );
    expect(rows.map((r) => r.type)).toEqual(['admin.user_created', 'login.failed', 'login']);
  });
});
