// Test data through the real services: accounts are created the way the admin tools create them.
import { randomBytes } from 'node:crypto';
import { Role } from '../../server/src/accounts/user.entity.js';
import { OrganizationKind } from '../../server/src/directory/organization.entity.js';
import { createActiveUser } from '../../server/src/seed.js';
import type { ApiClient } from './api-client.js';
import type { TestServer } from './server.js';

export const PASSWORD = 'Correct-Horse-42';

let sequence = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}-${++sequence}-${randomBytes(3).toString('hex')}@test.example`;

export interface BuiltUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
}

export async function buildUser(
  server: TestServer,
  overrides: { role?: Role; email?: string; displayName?: string; organization?: string; organizationKind?: OrganizationKind; locale?: 'fr' | 'en'; password?: string } = {},
): Promise<BuiltUser> {
  const role = overrides.role ?? Role.AGENT;
  const email = overrides.email ?? uniqueEmail(role.toLowerCase());
  const displayName = overrides.displayName ?? `Test ${role.toLowerCase()} ${sequence}`;
  const password = overrides.password ?? PASSWORD;
  const user = await createActiveUser(
    server.services,
    {
      email,
      displayName,
      role,
      organization: overrides.organization ?? (role === Role.PARTNER ? 'Cabinet de test' : null),
      organizationKind: overrides.organizationKind ?? (role === Role.PARTNER ? OrganizationKind.LAWYER : null),
      locale: overrides.locale ?? 'fr',
    },
    password,
  );
  return { id: user.id, email: user.email, password, displayName };
}

export const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { id email displayName role } }`;
export const ME = `query Me { me { id email displayName role status } }`;

export async function signIn(server: TestServer, user: BuiltUser, headers: Record<string, string> = {}): Promise<ApiClient> {
  const client = server.client(headers);
  await client.gql(LOGIN, { email: user.email, password: user.password });
  return client;
}

/** An agent and a partner of `server`, each signed in: the two parties of most message tests. */
export async function agentAndPartner(server: TestServer): Promise<{ agent: BuiltUser; partner: BuiltUser; agentClient: ApiClient; partnerClient: ApiClient }> {
  const agent = await buildUser(server, { role: Role.AGENT });
  const partner = await buildUser(server, { role: Role.PARTNER });
  return { agent, partner, agentClient: await signIn(server, agent), partnerClient: await signIn(server, partner) };
}

/** The one-time link of the newest mail to `email` whose link goes to /reset-password. */
export async function resetLinkFor(server: TestServer, email: string, after = 0): Promise<{ url: string; token: string }> {
  const mail = await server.mail.waitFor((m) => m.to.includes(email) && /reset-password\?token=/.test(m.text) && server.mail.mails.indexOf(m) >= after);
  const url = mail.text.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)![0];
  return { url, token: new URL(url).searchParams.get('token')! };
}
