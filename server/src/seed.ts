// Demo accounts, created on the first start with the embedded database only: an admin, an agent
// and two partners in organizations of two kinds, each with a random password printed once.
import { randomBytes } from 'node:crypto';
import { Role, User, UserStatus } from './accounts/user.entity.js';
import type { Services } from './services.js';
import type { NewUser } from './directory/directory.service.js';
import { OrganizationKind } from './directory/organization.entity.js';

export interface DemoAccount {
  label: string;
  email: string;
  password: string;
  displayName: string;
}

const DEMO = [
  { label: 'admin', email: 'admin@justice.example', displayName: 'Alice Administratrice', role: Role.ADMIN },
  { label: 'agent', email: 'agent@justice.example', displayName: 'Bruno Greffier', role: Role.AGENT },
  { label: 'partner-lawyer', email: 'avocate@barreau.example', displayName: 'Maître Claire Avocate', role: Role.PARTNER, organization: 'Barreau de Démonstration', kind: OrganizationKind.LAWYER },
  { label: 'partner-expert', email: 'expert@experts.example', displayName: 'David Expert', role: Role.PARTNER, organization: 'Compagnie des experts de démonstration', kind: OrganizationKind.JUDICIAL_EXPERT },
];

/** A password that meets every rule: three groups of letters and digits joined by hyphens. */
const demoPassword = () => `Plex-${randomBytes(9).toString('base64url')}-7`;

/** An account that is active at once with the given password, without an activation mail. */
export async function createActiveUser(services: Services, input: NewUser, password: string): Promise<User> {
  const em = services.orm.em.fork();
  const user = await services.directory.createUser(em, null, input, { sendActivation: false });
  user.passwordHash = await services.accounts.hashPassword(password);
  user.status = UserStatus.ACTIVE;
  await em.flush();
  return user;
}

export async function seedDemoAccounts(services: Services): Promise<DemoAccount[] | null> {
  if ((await services.orm.em.fork().count(User, {})) > 0) return null;
  const accounts: DemoAccount[] = [];
  for (const demo of DEMO) {
    const password = demoPassword();
    await createActiveUser(
      services,
      { email: demo.email, displayName: demo.displayName, role: demo.role, organization: demo.organization ?? null, organizationKind: demo.kind ?? null },
      password,
    );
    accounts.push({ label: demo.label, email: demo.email, password, displayName: demo.displayName });
  }
  return accounts;
}
