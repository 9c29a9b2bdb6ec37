// The directory and its administration over real HTTP, and the admin command line.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import { buildUser, signIn, uniqueEmail, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ApiClient } from '../support/api-client.js';

const run = promisify(execFile);
const DIRECTORY = `query ($search: String, $first: Int) { directory(search: $search, first: $first) { email role } }`;
const IMPORT = `mutation ($csv: String!) { importDirectory(csv: $csv) {
  created { line email } updated { line email } unchanged { line email } rejected { line email reason } } }`;

let server: TestServer;
let admin: BuiltUser;
let adminClient: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  admin = await buildUser(server, { role: Role.ADMIN });
  adminClient = await signIn(server, admin);
});
afterAll(() => server?.close());

describe('directory', () => {
  it('lists active users the viewer may send to: partners see agents only', async () => {
    const tag = `dir${Date.now()}`;
    const agent = await buildUser(server, { role: Role.AGENT, email: uniqueEmail(`${tag}-agent`) });
    const partner = await buildUser(server, { role: Role.PARTNER, email: uniqueEmail(`${tag}-partner`) });
    const otherPartner = await buildUser(server, { role: Role.PARTNER, email: uniqueEmail(`${tag}-partner2`) });
    const invited = await server.services.directory.createUser(server.services.orm.em.fork(), null, {
      email: uniqueEmail(`${tag}-invited`),
      displayName: 'Invité',
      role: Role.AGENT,
    });

    const asAgent = await signIn(server, agent);
    const seenByAgent = (await asAgent.gql(DIRECTORY, { search: tag })).directory.map((u: { email: string }) => u.email);
    expect(seenByAgent.sort()).toEqual([partner.email, otherPartner.email].sort());
    expect(seenByAgent).not.toContain(invited.email);

    const asPartner = await signIn(server, partner);
    expect((await asPartner.gql(DIRECTORY, { search: tag })).directory).toEqual([{ email: agent.email, role: 'AGENT' }]);
    expect((await asPartner.gql(DIRECTORY, { search: '%' })).directory).toEqual([]);
    expect((await asPartner.gql(DIRECTORY, { search: 'partner' })).directory).toEqual([]);
  });

  it('requires a signed-in viewer', async () => {
    expect((await server.client().gqlError(DIRECTORY)).code).toBe('UNAUTHENTICATED');
  });
});

describe('admin mutations', () => {
  const forbidden = [
    ['createUser', `mutation { createUser(input: { email: "x@test.example", displayName: "X", role: AGENT }) { id } }`],
    ['disableUser', `mutation ($id: ID!) { disableUser(id: $id) { id } }`],
    ['resendActivation', `mutation ($id: ID!) { resendActivation(id: $id) }`],
    ['importDirectory', `mutation { importDirectory(csv: "email,name,role,organization,organization_kind") { created { line } } }`],
    ['users', `{ users { id } }`],
  ];
  for (const role of [Role.AGENT, Role.PARTNER]) {
    for (const [name, operation] of forbidden) {
      it(`${name} is FORBIDDEN to ${role.toLowerCase()}s and changes nothing`, async () => {
        const victim = await buildUser(server);
        const client = await signIn(server, await buildUser(server, { role }));
        const before = await server.services.orm.em.fork().execute('select count(*)::int as n from audit_events');
        const error = await client.gqlError(operation, { id: victim.id });
        expect(error.code).toBe('FORBIDDEN');
        expect(await server.services.orm.em.fork().execute('select count(*)::int as n from audit_events')).toEqual(before);
        expect((await signIn(server, victim).then((c) => c.gql('{ me { status } }'))).me.status).toBe('ACTIVE');
      });
    }
  }

  it('createUser validates its input and refuses a duplicate address whatever its case', async () => {
    const email = uniqueEmail('dup');
    const create = (input: Record<string, unknown>) =>
      adminClient.request(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`, { input });
    expect((await create({ email, displayName: 'A', role: 'AGENT' })).body.data?.createUser?.id).toBeTruthy();
    const duplicate = (await create({ email: email.toUpperCase(), displayName: 'A', role: 'AGENT' })).body.errors![0];
    expect(duplicate).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'Un compte existe déjà pour cette adresse e-mail.' });
    expect((await create({ email: 'pas-une-adresse', displayName: 'A', role: 'AGENT' })).body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await create({ email: uniqueEmail(), displayName: '', role: 'AGENT' })).body.errors![0].extensions!.field).toBe('name');
    expect((await create({ email: uniqueEmail(), displayName: 'x'.repeat(201), role: 'AGENT' })).body.errors![0].extensions!.field).toBe('name');
    expect((await create({ email: uniqueEmail(), displayName: 'x'.repeat(200), role: 'AGENT' })).body.data?.createUser).toBeTruthy();
    const partnerWithoutOrg = (await create({ email: uniqueEmail(), displayName: 'P', role: 'PARTNER' })).body.errors![0];
    expect(partnerWithoutOrg.message).toBe('Un partenaire doit appartenir à une organisation.');
  });

  it('resendActivation voids the previous link and mails a new one; only for invited accounts', async () => {
    const email = uniqueEmail('resend');
    const { createUser } = await adminClient.gql(`mutation ($email: String!) { createUser(input: { email: $email, displayName: "R", role: AGENT }) { id } }`, { email });
    await server.mail.waitFor((m) => m.to.includes(email));
    expect(await adminClient.gql(`mutation ($id: ID!) { resendActivation(id: $id) }`, { id: createUser.id })).toEqual({ resendActivation: true });
    await server.mail.waitFor((m) => m.to.includes(email) && server.mail.mails.filter((x) => x.to.includes(email)).length === 2);
    const [first, second] = server.mail.mails.filter((m) => m.to.includes(email)).map((m) => m.text.match(/token=([\w-]+)/)![1]);
    const RESET = `mutation ($t: String!) { resetPassword(token: $t, password: "Bon-Mot-De-Passe-1") }`;
    expect((await server.client().gqlError(RESET, { t: first })).code).toBe('INVALID_TOKEN');
    await server.client().gql(RESET, { t: second });
    expect((await adminClient.gqlError(`mutation ($id: ID!) { resendActivation(id: $id) }`, { id: createUser.id })).code).toBe('BAD_USER_INPUT');
    expect((await adminClient.gqlError(`mutation ($id: ID!) { resendActivation(id: $id) }`, { id: '00000000-0000-4000-8000-000000000000' })).code).toBe('NOT_FOUND');
    expect((await adminClient.gqlError(`mutation ($id: ID!) { disableUser(id: $id) { id } }`, { id: '../etc' })).code).toBe('NOT_FOUND');
  });
});

describe('directory import', () => {
  const header = 'email,name,role,organization,organization_kind';

  it('creates, updates, leaves unchanged and rejects line by line, and is idempotent', async () => {
    const a = uniqueEmail('import-a');
    const b = uniqueEmail('import-b');
    const c = uniqueEmail('import-c');
    const csv = [
      header,
      `${a},Maître A,partner,Barreau de Paris,lawyer`,
      `${b},"Expert, B",partner,Compagnie d'experts,judicial_expert`,
      `${c},Agent C,agent,,`,
      `${a.toUpperCase()},Maître A bis,partner,Barreau de Paris,lawyer`,
      `pas-une-adresse,X,agent,,`,
      `${uniqueEmail('bad-role')},X,juge,,`,
      `${uniqueEmail('no-org')},X,partner,,`,
      `${uniqueEmail('columns')},X,agent`,
      `${uniqueEmail('kind')},X,partner,Association Z,club`,
    ].join('\r\n');
    const first = (await adminClient.gql(IMPORT, { csv })).importDirectory;
    expect(first.created).toEqual([
      { line: 2, email: a },
      { line: 3, email: b },
      { line: 4, email: c },
    ]);
    expect(first.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [5, 'Adresse déjà présente ligne 2.'],
      [6, 'Adresse e-mail invalide : « pas-une-adresse ».'],
      [7, 'Rôle inconnu : agent, partner ou admin.'],
      [8, 'Un partenaire doit appartenir à une organisation.'],
      [9, '5 colonnes attendues, 3 trouvées.'],
      [10, "Type d'organisation inconnu : lawyer, judicial_expert, association ou other."],
    ]);
    for (const email of [a, b, c]) await server.mail.waitFor((m) => m.to.includes(email) && m.subject === 'Activez votre compte PLEX');
    const users = await server.services.orm.em.fork().execute<{ email: string }[]>(`select email from users where email like 'import-%' or email like 'bad-role%' or email like 'no-org%'`);
    expect(users.map((u) => u.email).sort()).toEqual([a, b, c].sort());

    const second = (await adminClient.gql(IMPORT, { csv: [header, `${a},Maître A,partner,Barreau de Paris,lawyer`, `${b},"Expert, B",partner,Compagnie d'experts,judicial_expert`, `${c},Agent C renommé,agent,,`].join('\n') })).importDirectory;
    expect(second).toMatchObject({ created: [], unchanged: [{ line: 2, email: a }, { line: 3, email: b }], updated: [{ line: 4, email: c }], rejected: [] });
    const mailsTo = (email: string) => server.mail.mails.filter((m) => m.to.includes(email)).length;
    expect([mailsTo(a), mailsTo(b), mailsTo(c)]).toEqual([1, 1, 1]);
  });

  it('never half-applies a line: an organization of a conflicting kind rejects the whole line', async () => {
    const email = uniqueEmail('half');
    const report = (await adminClient.gql(IMPORT, { csv: `${header}\n${email},H,partner,Barreau de Paris,association\n` })).importDirectory;
    expect(report.rejected[0]).toMatchObject({ line: 2, email });
    expect(await server.services.orm.em.fork().execute(`select 1 from users where email = ?`, [email])).toEqual([]);
  });

  it('rejects a file without the expected header', async () => {
    const report = (await adminClient.gql(IMPORT, { csv: `mail,nom\nx@test.example,X` })).importDirectory;
    expect(report.rejected).toEqual([{ line: 1, email: '', reason: `En-tête attendu : ${header}` }]);
  });

  it("words the report's reasons in the admin's language", async () => {
    const englishAdmin = await signIn(server, await buildUser(server, { role: Role.ADMIN }));
    await englishAdmin.gql(`mutation { setLocale(locale: "en") }`);
    const email = uniqueEmail('english-report');
    const report = (await englishAdmin.gql(IMPORT, { csv: `${header}\n${email},X,juge,,\n${uniqueEmail('cols')},X\n"unclosed,x` })).importDirectory;
    expect(report.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([[4, 'Unclosed quotation mark (line 4).']]);
    const lines = (await englishAdmin.gql(IMPORT, { csv: `${header}\n${email},X,juge,,\n${uniqueEmail('cols')},X` })).importDirectory;
    expect(lines.rejected.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([
      [2, 'Unknown role: agent, partner or admin.'],
      [3, '5 columns expected, 2 found.'],
    ]);
    expect((await englishAdmin.gql(IMPORT, { csv: 'mail,nom' })).importDirectory.rejected[0].reason).toBe(`Expected header: ${header}`);
  });

  it('works from the command line, printing each line and the totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plex-import-'));
    const file = join(dir, 'annuaire.csv');
    const email = uniqueEmail('cli');
    writeFileSync(file, `${header}\n${email},Par la ligne de commande,agent,,\nmauvaise,ligne\n`);
    const env = { ...process.env, DATABASE_URL: server.databaseUrl, SMTP_URL: server.mail.url, DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const cli = await run('npm', ['run', '--silent', 'admin', '--', 'import-directory', file], { env, cwd: process.cwd() }).catch((e: { stdout: string; code: number }) => e);
    expect(cli.stdout).toContain(`line 2: created ${email}`);
    expect(cli.stdout).toContain('line 3: rejected mauvaise: 5 colonnes attendues, 2 trouvées.');
    expect(cli.stdout).toContain('created 1, updated 0, unchanged 0, rejected 1');
    expect((cli as { code?: number }).code).toBe(1);
    await server.mail.waitFor((m) => m.to.includes(email) && m.subject === 'Activez votre compte PLEX');

    const created = uniqueEmail('cli-create');
    const ok = await run('npm', ['run', '--silent', 'admin', '--', 'create-user', '--email', created, '--name', 'Experte CLI', '--role', 'partner', '--organization', 'Experts du Sud', '--organization-kind', 'judicial_expert'], { env });
    expect(ok.stdout).toContain(`created ${created} (partner), activation e-mail queued`);
    await server.mail.waitFor((m) => m.to.includes(created));
  });
});
