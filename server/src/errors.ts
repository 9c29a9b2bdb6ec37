// Domain errors with a stable `extensions.code` (DESIGN.md, "Contract"). Services throw these;
// anything else reaching the edge is masked and logged with its stack (see graphql/format-error.ts).
import { GraphQLError } from 'graphql';

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

export class PlexError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const unauthenticated = (message = 'Vous devez être connecté.') => new PlexError('UNAUTHENTICATED', message);
export const invalidCredentials = () => new PlexError('UNAUTHENTICATED', 'Adresse e-mail ou mot de passe incorrect.');
export const forbidden = (message = "Vous n'avez pas le droit de faire cette action.") =>
  new PlexError('FORBIDDEN', message);
export const notFound = (message = 'Introuvable.') => new PlexError('NOT_FOUND', message);
export const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new PlexError('BAD_USER_INPUT', message, extensions);
export const invalidToken = () =>
  new PlexError('INVALID_TOKEN', "Ce lien n'est plus valable. Demandez un nouveau lien.");
export const rateLimited = (retryAfterSeconds: number) =>
  new PlexError(
    'RATE_LIMITED',
    `Trop de tentatives. Réessayez dans ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s).`,
    { retryAfterSeconds },
  );
export const queryTooComplex = (message: string) => new PlexError('QUERY_TOO_COMPLEX', message);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a client: anything that is not a UUID cannot name a row, so it is simply not found. */
export function parseId(id: string, message?: string): string {
  if (!UUID.test(id)) throw notFound(message);
  return id.toLowerCase();
}
