// The edge of every GraphQL answer: domain errors and GraphQL's own (parse, validation) pass
// through with their code; anything else is logged with its stack and masked.
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { PlexError, type Wording } from '../errors.js';
import type { Logger } from '../infra/logger.js';

const PASSED_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'QUERY_TOO_COMPLEX',
]);

/** What every masked error says (graphql/localize-errors.ts answers English-speaking requests in English). */
export const UNEXPECTED: Wording = { fr: 'Une erreur inattendue est survenue. Réessayez plus tard.', en: 'An unexpected error occurred. Try again later.' };

/** The domain error behind an error Apollo reports, if there is one. */
export function domainError(error: unknown): PlexError | undefined {
  const original = unwrapResolverError(error);
  // Apollo wraps validation errors (ours included, e.g. QUERY_TOO_COMPLEX) and keeps the original.
  return original instanceof PlexError ? original : original instanceof GraphQLError && original.originalError instanceof PlexError ? original.originalError : undefined;
}

export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = domainError(error);
    if (domain) {
      const { stacktrace: _ignored, http: _http, ...extensions } = domain.extensions as Record<string, unknown>;
      return { message: domain.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASSED_THROUGH.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    log.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error');
    return { message: UNEXPECTED.fr, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
