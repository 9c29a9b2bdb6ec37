// Accounts: password login with sessions, activation and reset links, password changes and API
// tokens. Every change that sends mail writes it to the outbox in the same transaction.
import { hash, verify } from '@node-rs/argon2';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config.js';
import { badInput, invalidCredentials, invalidToken, notFound, parseId, PlexError, rateLimited, unauthenticated } from '../errors.js';
import type { Clock } from '../infra/clock.js';
import { hashSecret, newSecret } from '../infra/tokens.js';
import type { LiveEvents } from '../infra/live-events.js';
import type { Outbox } from '../notifications/outbox.js';
import { ApiToken } from './api-token.entity.js';
import { accountKey, addressKey, type LoginThrottler } from './login-throttle.js';
import { PasswordResetToken, ResetPurpose } from './password-reset-token.entity.js';
import { PASSWORD_RULE_LABELS, unmetPasswordRules } from './password-policy.js';
import { Session } from './session.entity.js';
import { LOCALES, User, UserStatus, type Locale } from './user.entity.js';

/** argon2id with the OWASP / ASVS 11.4.2 minimum: 19 MiB, 2 passes, 1 lane. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
export const RESET_LINK_DAYS = 15;
/** At most this many reset mails per account per hour: the answer stays the same, the mail is not sent. */
export const RESET_MAILS_PER_HOUR = 5;
const DAY_MS = 24 * 60 * 60_000;
/** Last-seen times are written at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 60_000;
const API_TOKEN_PREFIX = 'plex_';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** `fr` or `en`, exactly; anything else is BAD_USER_INPUT on the field `locale`. */
export function parseLocale(input: string): Locale {
  if (!(LOCALES as readonly string[]).includes(input)) throw badInput({ fr: 'Langue inconnue : fr ou en.', en: 'Unknown language: fr or en.' }, { field: 'locale' });
  return input as Locale;
}

export interface RequestInfo {
  clientAddress: string;
}

export interface SignedIn {
  user: User;
  token: string;
  expiresAt: Date;
}

export interface Viewer {
  user: User;
  /** Set when the request came with the session cookie (not with an API token). */
  session?: Session;
  /** Set when the request came with an API token. */
  apiTokenId?: string;
}

export class AccountsService {
  /** Verified against when the address is unknown, so both cases take the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly throttle: LoginThrottler,
    private readonly live: LiveEvents,
  ) {
    this.dummyHash = hash(newSecret(), ARGON2);
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, ARGON2);
  }

  /** Throws WEAK_PASSWORD naming each unmet rule, in the user's language unless the request asks for English. */
  assertPasswordAcceptable(password: string, email: string, locale: Locale): void {
    const unmet = unmetPasswordRules(password, email);
    if (unmet.length === 0) return;
    const rules = (language: Locale) => unmet.map((rule) => ({ rule, message: PASSWORD_RULE_LABELS[language][rule] }));
    const sentences = (language: Locale) => rules(language).map((r) => r.message).join(' ');
    throw new PlexError(
      'WEAK_PASSWORD',
      { fr: `Le mot de passe doit : ${sentences('fr')}`, en: `The password must: ${sentences('en')}` },
      {},
      { locale, extensions: { fr: { unmetRules: rules('fr') }, en: { unmetRules: rules('en') } } },
    );
  }

  async login(em: EntityManager, emailInput: string, password: string, request: RequestInfo): Promise<SignedIn> {
    const email = normalizeEmail(emailInput);
    const keys = [accountKey(email), addressKey(request.clientAddress)];
    const outcome = await em.transactional(async (tx) => {
      const wait = await this.throttle.retryAfter(tx, keys);
      if (wait > 0) return { wait };
      const user = await tx.findOne(User, { email }, { populate: ['organization'] });
      const passwordOk = await verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
      if (!user || !passwordOk || user.status !== UserStatus.ACTIVE) {
        await this.throttle.recordFailure(tx, keys);
        await this.audit.record(tx, {
          type: 'login.failed',
          subjectUserId: user?.id ?? null,
          data: { clientAddress: request.clientAddress, reason: !user ? 'unknown' : user.status !== UserStatus.ACTIVE ? user.status.toLowerCase() : 'password' },
        });
        return { failed: true as const };
      }
      await this.throttle.recordSuccess(tx, keys[0]);
      const signedIn = this.openSession(tx, user, request);
      await this.audit.record(tx, { type: 'login', actor: user, data: { clientAddress: request.clientAddress } });
      return { signedIn };
    });
    if ('wait' in outcome) throw rateLimited(outcome.wait!);
    if ('failed' in outcome) throw invalidCredentials();
    return outcome.signedIn;
  }

  /** A new random session id at every login (no fixation); only its hash is stored. */
  private openSession(em: EntityManager, user: User, request: RequestInfo): SignedIn {
    const now = this.clock.now();
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxHours * 3_600_000);
    em.persist(
      em.create(Session, { tokenHash: hashSecret(token), user, createdAt: now, lastSeenAt: now, expiresAt, clientAddress: request.clientAddress }),
    );
    return { user, token, expiresAt };
  }

  /** The signed-in viewer of a session cookie, or null when it is unknown, idle too long or over. */
  async viewerFromSession(em: EntityManager, token: string): Promise<Viewer | null> {
    const session = await em.findOne(Session, { tokenHash: hashSecret(token) }, { populate: ['user', 'user.organization'] });
    if (!session) return null;
    const now = this.clock.now().getTime();
    const idleLimit = session.lastSeenAt.getTime() + this.config.sessionIdleMinutes * 60_000;
    if (now >= session.expiresAt.getTime() || now >= idleLimit || session.user.status !== UserStatus.ACTIVE) {
      await em.nativeDelete(Session, { id: session.id });
      return null;
    }
    if (now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await em.nativeUpdate(Session, { id: session.id }, { lastSeenAt: new Date(now) });
    }
    return { user: session.user, session };
  }

  async viewerFromApiToken(em: EntityManager, token: string): Promise<Viewer | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const apiToken = await em.findOne(ApiToken, { tokenHash: hashSecret(token), revokedAt: null }, { populate: ['user', 'user.organization'] });
    if (!apiToken || apiToken.user.status !== UserStatus.ACTIVE) return null;
    const now = this.clock.now();
    if (!apiToken.lastUsedAt || now.getTime() - apiToken.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await em.nativeUpdate(ApiToken, { id: apiToken.id }, { lastUsedAt: now });
    }
    return { user: apiToken.user, apiTokenId: apiToken.id };
  }

  async logout(em: EntityManager, viewer: Viewer): Promise<void> {
    await em.transactional(async (tx) => {
      if (viewer.session) await tx.nativeDelete(Session, { id: viewer.session.id });
      await this.audit.record(tx, { type: 'logout', actor: tx.getReference(User, viewer.user.id) });
      await this.live.authChanged(tx, viewer.user.id);
    });
  }

  /** Ends every session of a user (reset, disabling, password change), except `keep`. */
  async endSessions(em: EntityManager, userId: string, keep?: string): Promise<void> {
    await em.nativeDelete(Session, keep ? { user: userId, id: { $ne: keep } } : { user: userId });
  }

  /**
   * Creates a one-time link for `user` and queues its mail, voiding every older link. Runs inside
   * the caller's transaction.
   */
  async issuePasswordLink(em: EntityManager, user: User, purpose: ResetPurpose): Promise<void> {
    const now = this.clock.now();
    await em.nativeUpdate(PasswordResetToken, { user: user.id, usedAt: null, voidedAt: null }, { voidedAt: now });
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + RESET_LINK_DAYS * DAY_MS);
    em.persist(em.create(PasswordResetToken, { tokenHash: hashSecret(token), user, purpose, createdAt: now, expiresAt }));
    // the link opens the page in the account's language (the web app keeps it for signed-out pages)
    const link = new URL(`/reset-password?token=${encodeURIComponent(token)}&lang=${user.locale}`, this.config.publicUrl).toString();
    this.outbox.enqueue(em, user, purpose === ResetPurpose.ACTIVATION ? 'activation' : 'password-reset', {
      displayName: user.displayName,
      link,
      expiresAt,
    });
  }

  /** Same answer whatever the address: the caller always returns true. */
  async requestPasswordReset(em: EntityManager, emailInput: string, request: RequestInfo): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (email.length > 320) return;
    await em.transactional(async (tx) => {
      const user = await tx.findOne(User, { email });
      if (!user || user.status === UserStatus.DISABLED) return;
      const lastHour = new Date(this.clock.now().getTime() - 3_600_000);
      if ((await tx.count(PasswordResetToken, { user: user.id, createdAt: { $gt: lastHour } })) >= RESET_MAILS_PER_HOUR) return;
      await this.issuePasswordLink(tx, user, user.status === UserStatus.INVITED ? ResetPurpose.ACTIVATION : ResetPurpose.RESET);
      await this.audit.record(tx, { type: 'password.reset_requested', subjectUserId: user.id, data: { clientAddress: request.clientAddress } });
    });
    this.outbox.kick();
  }

  /** Sets the password from a link: activates an invited account, ends all sessions, mails a notice. */
  async resetPassword(em: EntityManager, token: string, password: string): Promise<void> {
    if (token.length > 200) throw invalidToken();
    await em.transactional(async (tx) => {
      const now = this.clock.now();
      const link = await tx.findOne(PasswordResetToken, { tokenHash: hashSecret(token) }, { populate: ['user'], lockMode: undefined });
      if (!link || link.usedAt || link.voidedAt || link.expiresAt.getTime() <= now.getTime()) throw invalidToken();
      const user = link.user;
      if (user.status === UserStatus.DISABLED) throw invalidToken();
      this.assertPasswordAcceptable(password, user.email, user.locale);
      // Claim the link atomically: of two concurrent uses, only one updates the row.
      const claimed = await tx.nativeUpdate(PasswordResetToken, { id: link.id, usedAt: null, voidedAt: null }, { usedAt: now });
      if (claimed !== 1) throw invalidToken();
      const activating = user.status === UserStatus.INVITED;
      user.passwordHash = await this.hashPassword(password);
      user.status = UserStatus.ACTIVE;
      await this.endSessions(tx, user.id);
      this.outbox.enqueue(tx, user, 'password-changed', { displayName: user.displayName, at: now, loginLink: new URL('/login', this.config.publicUrl).toString() });
      await tx.flush();
      await this.audit.record(tx, { type: activating ? 'account.activated' : 'password.reset', actor: user });
      await this.live.authChanged(tx, user.id);
    });
    this.outbox.kick();
  }

  async changePassword(em: EntityManager, viewer: Viewer, currentPassword: string, newPassword: string): Promise<void> {
    await em.transactional(async (tx) => {
      const user = await tx.findOneOrFail(User, { id: viewer.user.id });
      const ok = user.passwordHash ? await verify(user.passwordHash, currentPassword).catch(() => false) : false;
      if (!ok) throw badInput({ fr: 'Le mot de passe actuel est incorrect.', en: 'The current password is incorrect.' }, { field: 'currentPassword' });
      this.assertPasswordAcceptable(newPassword, user.email, user.locale);
      const now = this.clock.now();
      user.passwordHash = await this.hashPassword(newPassword);
      await tx.nativeUpdate(PasswordResetToken, { user: user.id, usedAt: null, voidedAt: null }, { voidedAt: now });
      await this.endSessions(tx, user.id, viewer.session?.id);
      this.outbox.enqueue(tx, user, 'password-changed', { displayName: user.displayName, at: now, loginLink: new URL('/login', this.config.publicUrl).toString() });
      await tx.flush();
      await this.audit.record(tx, { type: 'password.changed', actor: user });
      await this.live.authChanged(tx, user.id);
    });
    this.outbox.kick();
  }

  /** Saves the signed-in user's language, which the web app and every later e-mail to them follow. */
  async setLocale(em: EntityManager, viewer: Viewer, locale: Locale): Promise<void> {
    const user = await em.findOneOrFail(User, { id: viewer.user.id });
    user.locale = locale;
    await em.flush();
    viewer.user.locale = locale;
  }

  async createApiToken(em: EntityManager, viewer: Viewer, nameInput: string): Promise<{ apiToken: ApiToken; token: string }> {
    const name = nameInput.trim();
    if (name.length < 1 || name.length > 100) throw badInput({ fr: 'Le nom du jeton doit comporter de 1 à 100 caractères.', en: 'The token name must be 1 to 100 characters long.' }, { field: 'name' });
    return em.transactional(async (tx) => {
      const token = newSecret(API_TOKEN_PREFIX);
      const apiToken = tx.create(ApiToken, { name, tokenHash: hashSecret(token), user: tx.getReference(User, viewer.user.id), createdAt: this.clock.now() });
      tx.persist(apiToken);
      await tx.flush();
      await this.audit.record(tx, { type: 'api_token.created', actor: tx.getReference(User, viewer.user.id), data: { apiTokenId: apiToken.id, name } });
      return { apiToken, token };
    });
  }

  listApiTokens(em: EntityManager, viewer: Viewer): Promise<ApiToken[]> {
    return em.find(ApiToken, { user: viewer.user.id, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
  }

  async revokeApiToken(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    await em.transactional(async (tx) => {
      const tokenNotFound = { fr: 'Jeton introuvable.', en: 'Token not found.' };
      const revoked = await tx.nativeUpdate(ApiToken, { id: parseId(id, tokenNotFound), user: viewer.user.id, revokedAt: null }, { revokedAt: this.clock.now() });
      if (revoked !== 1) throw notFound(tokenNotFound);
      await this.audit.record(tx, { type: 'api_token.revoked', actor: tx.getReference(User, viewer.user.id), data: { apiTokenId: id } });
      await this.live.authChanged(tx, viewer.user.id);
    });
  }
}

export function requireViewer(viewer: Viewer | null | undefined): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}
