// Domain errors with a stable `extensions.code` (DESIGN.md, "Contract"). Services throw these;
// anything else reaching the edge is masked and logged with its stack (see graphql/format-error.ts).
import { GraphQLError } from 'graphql';
import type { Locale } from './accounts/user.entity.js';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'WEAK_PASSWORD'
  | 'INVALID_TOKEN'
  | 'RECIPIENT_UNKNOWN'
  | 'MESSAGE_EXPIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX';

/** What an error says, in each language of the app (DESIGN.md: French first, English second). */
export interface Wording {
  fr: string;
  en: string;
}

export class PlexError extends GraphQLError {
  /**
   * `message` is `wording[locale]` (French unless the error was made for a known user's
   * language); `localize` rewrites it, and the language-dependent extensions, for a request.
   */
  constructor(
    code: ErrorCode,
    readonly wording: Wording,
    extensions: Record<string, unknown> = {},
    private readonly localized: { locale?: Locale; extensions?: Record<Locale, Record<string, unknown>> } = {},
  ) {
    const locale = localized.locale ?? 'fr';
    super(wording[locale], { extensions: { ...extensions, ...localized.extensions?.[locale], code } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
  /** Puts the message (and the extensions that have words, e.g. WEAK_PASSWORD's unmetRules) in `locale`. */
  localize(locale: Locale): void {
    this.message = this.wording[locale];
    Object.assign(this.extensions, this.localized.extensions?.[locale]);
  }
}

export const unauthenticated = (wording: Wording = { fr: 'Vous devez être connecté.', en: 'You must be signed in.' }) =>
  new PlexError('UNAUTHENTICATED', wording);
export const invalidCredentials = () =>
  new PlexError('UNAUTHENTICATED', { fr: 'Adresse e-mail ou mot de passe incorrect.', en: 'Incorrect e-mail address or password.' });
export const forbidden = (wording: Wording = { fr: "Vous n'avez pas le droit de faire cette action.", en: 'You are not allowed to do this.' }) =>
  new PlexError('FORBIDDEN', wording);
export const notFound = (wording: Wording = { fr: 'Introuvable.', en: 'Not found.' }) => new PlexError('NOT_FOUND', wording);
export const badInput = (wording: Wording, extensions: Record<string, unknown> = {}) => new PlexError('BAD_USER_INPUT', wording, extensions);
export const invalidToken = () =>
  new PlexError('INVALID_TOKEN', {
    fr: "Ce lien n'est plus valable. Demandez un nouveau lien.",
    en: 'This link is no longer valid. Ask for a new link.',
  });
export const rateLimited = (retryAfterSeconds: number) => {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new PlexError(
    'RATE_LIMITED',
    { fr: `Trop de tentatives. Réessayez dans ${minutes} minute(s).`, en: `Too many attempts. Try again in ${minutes} minute(s).` },
    { retryAfterSeconds },
  );
};
export const queryTooComplex = (wording: Wording) => new PlexError('QUERY_TOO_COMPLEX', wording);
export const payloadTooLarge = (maxBytes: number) =>
  new PlexError('PAYLOAD_TOO_LARGE', {
    fr: `Le message dépasse la taille maximale autorisée (${maxBytes} octets).`,
    en: `The message exceeds the maximum size allowed (${maxBytes} bytes).`,
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a client: anything that is not a UUID cannot name a row, so it is simply not found. */
export function parseId(id: string, wording?: Wording): string {
  if (!UUID.test(id)) throw notFound(wording);
  return id.toLowerCase();
}
