// The directory: who exists, who may send to whom, and how admins put people in it (one by one,
// or by importing the CSV address lists partners hand to the ministry). Creating an account
// mails its activation link.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccountsService, Viewer } from '../accounts/accounts.service.js';
import { normalizeEmail, parseLocale } from '../accounts/accounts.service.js';
import { ResetPurpose } from '../accounts/password-reset-token.entity.js';
import { Session } from '../accounts/session.entity.js';
import { Role, User, UserStatus, type Locale } from '../accounts/user.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { badInput, forbidden, notFound, parseId, PlexError, type Wording } from '../errors.js';
import type { Clock } from '../infra/clock.js';
import { oneLine } from '../infra/mail/templates.js';
import type { LiveEvents } from '../infra/live-events.js';
import type { Outbox } from '../notifications/outbox.js';
import { CsvError, parseCsv } from './csv.js';
import { Organization, OrganizationKind, SUPPORT_CONTACTS } from './organization.entity.js';

const userNotFound: Wording = { fr: 'Utilisateur introuvable.', en: 'User not found.' };
const accountExists: Wording = { fr: 'Un compte existe déjà pour cette adresse e-mail.', en: 'An account already exists for this e-mail address.' };

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  organization?: string | null;
  organizationKind?: OrganizationKind | null;
  locale?: Locale;
}

export interface ImportLine {
  line: number;
  email: string;
}
export interface ImportReport {
  created: ImportLine[];
  updated: ImportLine[];
  unchanged: ImportLine[];
  rejected: (ImportLine & { reason: string })[];
}

// A pragmatic address check: one @, no spaces or control characters, a dot in the domain.
const EMAIL = /^[^\s@<>()[\]\\,;:"\u0000-\u001f]+@[^\s@<>()[\]\\,;:"\u0000-\u001f]+\.[^\s@<>()[\]\\,;:"\u0000-\u001f]+$/;
const CSV_COLUMNS = ['email', 'name', 'role', 'organization', 'organization_kind'];

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users whose address or name contains `search` (as typed, wildcards taken literally); all when empty. */
function matching(search: string | undefined) {
  const term = search?.trim();
  if (!term) return {};
  const pattern = `%${escapeLike(term)}%`;
  return { $or: [{ email: { $ilike: pattern } }, { displayName: { $ilike: pattern } }] };
}

export class DirectoryService {
  constructor(
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly accounts: AccountsService,
    private readonly outbox: Outbox,
    private readonly live: LiveEvents,
  ) {}

  /** Active users the viewer may send to: partners see agents (and admins, who are agents) only. */
  async searchRecipients(em: EntityManager, viewer: Viewer, search: string | undefined, first = 20): Promise<User[]> {
    const limit = Math.min(Math.max(first, 1), 100);
    const roles = viewer.user.role === Role.PARTNER ? [Role.AGENT, Role.ADMIN] : [Role.AGENT, Role.ADMIN, Role.PARTNER];
    return em.find(
      User,
      { status: UserStatus.ACTIVE, role: { $in: roles }, id: { $ne: viewer.user.id }, ...matching(search) },
      { orderBy: { displayName: 'asc', email: 'asc' }, limit, populate: ['organization'] },
    );
  }

  /** Every account, whatever its status: the admins' view. */
  async listUsers(em: EntityManager, search: string | undefined, first = 50): Promise<User[]> {
    return em.find(
      User,
      matching(search),
      { orderBy: { displayName: 'asc', email: 'asc' }, limit: Math.min(Math.max(first, 1), 200), populate: ['organization'] },
    );
  }

  /** Checks and normalises one new account; throws BAD_USER_INPUT naming the field. */
  validate(input: NewUser): Required<NewUser> {
    const email = normalizeEmail(input.email);
    if (email.length > 320 || !EMAIL.test(email)) {
      const shown = oneLine(input.email).slice(0, 100);
      throw badInput({ fr: `Adresse e-mail invalide : « ${shown} ».`, en: `Invalid e-mail address: “${shown}”.` }, { field: 'email' });
    }
    const displayName = oneLine(input.displayName);
    if (displayName.length < 1 || displayName.length > 200) throw badInput({ fr: 'Le nom doit comporter de 1 à 200 caractères.', en: 'The name must be 1 to 200 characters long.' }, { field: 'name' });
    if (!Object.values(Role).includes(input.role)) throw badInput({ fr: 'Rôle inconnu : agent, partner ou admin.', en: 'Unknown role: agent, partner or admin.' }, { field: 'role' });
    const organization = input.organization ? oneLine(input.organization) : null;
    if (organization !== null && (organization.length < 1 || organization.length > 200)) {
      throw badInput({ fr: "Le nom de l'organisation doit comporter de 1 à 200 caractères.", en: "The organization's name must be 1 to 200 characters long." }, { field: 'organization' });
    }
    if (input.role === Role.PARTNER && !organization) {
      throw badInput({ fr: 'Un partenaire doit appartenir à une organisation.', en: 'A partner must belong to an organization.' }, { field: 'organization' });
    }
    if (input.organizationKind && !Object.values(OrganizationKind).includes(input.organizationKind)) {
      throw badInput(
        { fr: "Type d'organisation inconnu : lawyer, judicial_expert, association ou other.", en: 'Unknown organization type: lawyer, judicial_expert, association or other.' },
        { field: 'organizationKind' },
      );
    }
    const locale = parseLocale(input.locale ?? 'fr');
    return { email, displayName, role: input.role, organization, organizationKind: input.organizationKind ?? null, locale };
  }

  /** Finds the organization by name, or creates it (its kind is then required). */
  private async organization(em: EntityManager, name: string | null, kind: OrganizationKind | null): Promise<Organization | null> {
    if (!name) return null;
    const existing = await em.findOne(Organization, { name });
    if (existing) {
      if (kind && existing.kind !== kind) {
        const existingKind = existing.kind.toLowerCase();
        throw badInput(
          { fr: `L'organisation « ${name} » existe déjà avec un autre type (${existingKind}).`, en: `The organization “${name}” already exists with another type (${existingKind}).` },
          { field: 'organizationKind' },
        );
      }
      return existing;
    }
    if (!kind) {
      throw badInput(
        { fr: `L'organisation « ${name} » n'existe pas : indiquez son type pour la créer.`, en: `The organization “${name}” does not exist: give its type to create it.` },
        { field: 'organizationKind' },
      );
    }
    const created = em.create(Organization, { name, kind, supportContact: SUPPORT_CONTACTS[kind] });
    em.persist(created);
    return created;
  }

  /** Creates an invited account and mails its activation link. `actor` is null from the command line. */
  async createUser(em: EntityManager, actor: User | null, input: NewUser, { sendActivation = true } = {}): Promise<User> {
    const valid = this.validate(input);
    const user = await em
      .transactional(async (tx) => {
        if (await tx.count(User, { email: valid.email })) throw badInput(accountExists, { field: 'email' });
        return this.insertUser(tx, actor, valid, sendActivation);
      })
      .catch((error: unknown) => {
        if (error instanceof UniqueConstraintViolationException) throw badInput(accountExists, { field: 'email' });
        throw error;
      });
    this.outbox.kick();
    return user;
  }

  private async insertUser(tx: EntityManager, actor: User | null, valid: Required<NewUser>, sendActivation = true): Promise<User> {
    const organization = await this.organization(tx, valid.role === Role.PARTNER || valid.organization ? valid.organization : null, valid.organizationKind);
    const user = tx.create(User, {
      email: valid.email,
      displayName: valid.displayName,
      role: valid.role,
      locale: valid.locale,
      organization,
      status: UserStatus.INVITED,
    });
    tx.persist(user);
    await tx.flush();
    if (sendActivation) await this.accounts.issuePasswordLink(tx, user, ResetPurpose.ACTIVATION);
    await tx.flush();
    await this.audit.record(tx, {
      type: 'admin.user_created',
      actor,
      subjectUserId: user.id,
      data: { email: user.email, role: user.role, organization: organization?.name ?? null },
    });
    return user;
  }

  async disableUser(em: EntityManager, actor: User, idInput: string): Promise<User> {
    const id = parseId(idInput, userNotFound);
    if (id === actor.id) throw badInput({ fr: 'Vous ne pouvez pas désactiver votre propre compte.', en: 'You cannot disable your own account.' });
    return em.transactional(async (tx) => {
      const user = await tx.findOne(User, { id }, { populate: ['organization'] });
      if (!user) throw notFound(userNotFound);
      if (user.status !== UserStatus.DISABLED) {
        user.status = UserStatus.DISABLED;
        await tx.nativeDelete(Session, { user: user.id });
        await tx.flush();
        await this.audit.record(tx, { type: 'admin.user_disabled', actor, subjectUserId: user.id, data: { email: user.email } });
        await this.live.authChanged(tx, user.id);
      }
      return user;
    });
  }

  async resendActivation(em: EntityManager, actor: User, idInput: string): Promise<void> {
    const id = parseId(idInput, userNotFound);
    await em.transactional(async (tx) => {
      const user = await tx.findOne(User, { id });
      if (!user) throw notFound(userNotFound);
      if (user.status !== UserStatus.INVITED) throw badInput({ fr: "Ce compte n'est pas en attente d'activation.", en: 'This account is not awaiting activation.' });
      await this.accounts.issuePasswordLink(tx, user, ResetPurpose.ACTIVATION);
      await tx.flush();
      await this.audit.record(tx, { type: 'admin.activation_resent', actor, subjectUserId: user.id, data: { email: user.email } });
    });
    this.outbox.kick();
  }

  /**
   * Imports `email,name,role,organization,organization_kind` lines. Idempotent: a line that matches
   * its account changes nothing. Each line is applied in its own transaction, so a bad line is
   * rejected whole and never half-applied.
   */
  async importDirectory(em: EntityManager, actor: User | null, csv: string, locale: Locale = 'fr'): Promise<ImportReport> {
    const report: ImportReport = { created: [], updated: [], unchanged: [], rejected: [] };
    let rows: { line: number; cells: string[] }[];
    try {
      rows = parseCsv(csv);
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      report.rejected.push({ line: error.line, email: '', reason: error.wording[locale] });
      return report;
    }
    const header = rows.shift();
    const columns = header?.cells.map((c) => c.trim().toLowerCase().replace(/^\ufeff/, ''));
    if (!header || columns!.join(',') !== CSV_COLUMNS.join(',')) {
      report.rejected.push({ line: header?.line ?? 1, email: '', reason: { fr: `En-tête attendu : ${CSV_COLUMNS.join(',')}`, en: `Expected header: ${CSV_COLUMNS.join(',')}` }[locale] });
      return report;
    }
    const seen = new Map<string, number>();
    for (const { line, cells } of rows) {
      if (cells.length === 1 && cells[0].trim() === '') continue;
      const email = normalizeEmail(cells[0] ?? '');
      try {
        if (cells.length !== CSV_COLUMNS.length) throw badInput({ fr: `${CSV_COLUMNS.length} colonnes attendues, ${cells.length} trouvées.`, en: `${CSV_COLUMNS.length} columns expected, ${cells.length} found.` });
        const [, name, role, organization, kind] = cells.map((c) => c.trim());
        const previous = seen.get(email);
        if (previous !== undefined) throw badInput({ fr: `Adresse déjà présente ligne ${previous}.`, en: `Address already present on line ${previous}.` });
        const valid = this.validate({
          email,
          displayName: name,
          role: role.toUpperCase() as Role,
          organization: organization || null,
          organizationKind: (kind.toUpperCase() || null) as OrganizationKind | null,
        });
        seen.set(email, line);
        const outcome = await em.fork().transactional((tx) => this.applyImportLine(tx, actor, valid));
        report[outcome].push({ line, email });
      } catch (error) {
        if (!(error instanceof PlexError)) throw error;
        report.rejected.push({ line, email, reason: error.wording[locale] });
      }
    }
    if (report.created.length) this.outbox.kick();
    return report;
  }

  private async applyImportLine(tx: EntityManager, actor: User | null, valid: Required<NewUser>): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await tx.findOne(User, { email: valid.email }, { populate: ['organization'] });
    if (!existing) {
      await this.insertUser(tx, actor, valid);
      return 'created';
    }
    const organization = await this.organization(tx, valid.organization, valid.organizationKind);
    const changes: Record<string, unknown> = {};
    if (existing.displayName !== valid.displayName) changes.displayName = valid.displayName;
    if (existing.role !== valid.role) changes.role = valid.role;
    if ((existing.organization?.id ?? null) !== (organization?.id ?? null)) changes.organization = organization?.name ?? null;
    if (Object.keys(changes).length === 0) return 'unchanged';
    existing.displayName = valid.displayName;
    existing.role = valid.role;
    existing.organization = organization;
    await tx.flush();
    await this.audit.record(tx, { type: 'admin.user_updated', actor, subjectUserId: existing.id, data: { email: existing.email, changes } });
    return 'updated';
  }

  assertAdmin(viewer: Viewer): User {
    if (viewer.user.role !== Role.ADMIN) throw forbidden({ fr: 'Cette action est réservée aux administrateurs.', en: 'This action is reserved for administrators.' });
    return viewer.user;
  }
}
