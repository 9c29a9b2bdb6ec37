// Turns GraphQL errors into French messages for the user. Only the stable
// `extensions.code` is read: server messages and stacks are never shown as such,
// except the French rule messages the server sends with WEAK_PASSWORD.
import type { CombinedError } from '@urql/core';

export const GENERIC_ERROR_MESSAGE =
	'Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.';
export const NETWORK_ERROR_MESSAGE =
	'Le service PLEX ne répond pas. Vérifiez votre connexion puis réessayez.';

export interface UnmetPasswordRule {
	rule: string;
	message: string;
}

/** The first GraphQL error's `extensions`, or undefined for a network error. */
function firstExtensions(error: CombinedError): Record<string, unknown> | undefined {
	return error.graphQLErrors[0]?.extensions;
}

/** The stable code of the first GraphQL error (UNAUTHENTICATED, RATE_LIMITED...). */
export function errorCode(error: CombinedError): string | undefined {
	const code = firstExtensions(error)?.['code'];
	return typeof code === 'string' ? code : undefined;
}

/** "Trop de tentatives. Réessayez dans 5 minutes." from `extensions.retryAfterSeconds`. */
export function rateLimitedMessage(retryAfterSeconds: unknown): string {
	if (typeof retryAfterSeconds !== 'number' || !Number.isFinite(retryAfterSeconds)) {
		return 'Trop de tentatives. Réessayez dans quelques minutes.';
	}
	const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
	return `Trop de tentatives. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`;
}

/** The message for any error without a more specific one on the page. */
export function genericErrorMessage(error: CombinedError): string {
	if (error.graphQLErrors.length === 0 && error.networkError) return NETWORK_ERROR_MESSAGE;
	if (errorCode(error) === 'RATE_LIMITED') {
		return rateLimitedMessage(firstExtensions(error)?.['retryAfterSeconds']);
	}
	return GENERIC_ERROR_MESSAGE;
}

/** Login errors: never say whether the address exists. */
export function loginErrorMessage(error: CombinedError): string {
	if (errorCode(error) === 'UNAUTHENTICATED') return 'Adresse e-mail ou mot de passe incorrect.';
	return genericErrorMessage(error);
}

/** The French messages of WEAK_PASSWORD's `extensions.unmetRules`. */
export function unmetPasswordRules(error: CombinedError): UnmetPasswordRule[] {
	const rules = firstExtensions(error)?.['unmetRules'];
	if (!Array.isArray(rules)) return [];
	return rules.flatMap((entry: unknown) => {
		if (typeof entry !== 'object' || entry === null) return [];
		const { rule, message } = entry as Record<string, unknown>;
		return typeof message === 'string' && message
			? [{ rule: typeof rule === 'string' ? rule : '', message }]
			: [];
	});
}

/**
 * Codes whose server message is written for the user, in French, by the PLEX server's
 * domain rules (e.g. "Destinataire(s) inconnu(s) de l'annuaire PLEX : x@y.fr."): shown as is.
 */
const USER_FACING_CODES = new Set([
	'BAD_USER_INPUT',
	'RECIPIENT_UNKNOWN',
	'FORBIDDEN',
	'NOT_FOUND',
	'MESSAGE_EXPIRED',
	'PAYLOAD_TOO_LARGE'
]);

export const SESSION_EXPIRED_MESSAGE = 'Votre session a expiré : reconnectez-vous pour continuer.';

/** The French message for one GraphQL error as the server sent it (code and message). */
export function messageForGraphqlError(error: { message?: unknown; extensions?: Record<string, unknown> } | undefined): string {
	const code = error?.extensions?.['code'];
	const message = typeof error?.message === 'string' ? error.message.trim() : '';
	if (code === 'UNAUTHENTICATED') return SESSION_EXPIRED_MESSAGE;
	if (code === 'RATE_LIMITED') return rateLimitedMessage(error?.extensions?.['retryAfterSeconds']);
	// GraphQL's own coercion errors share BAD_USER_INPUT but are English and technical
	if (typeof code === 'string' && USER_FACING_CODES.has(code) && message && !message.startsWith('Variable "$')) {
		return message;
	}
	return GENERIC_ERROR_MESSAGE;
}

/** The French message for a failed urql operation: the domain rule's wording when there is one. */
export function describeError(error: CombinedError): string {
	if (error.graphQLErrors.length === 0) return genericErrorMessage(error);
	return messageForGraphqlError(error.graphQLErrors[0]);
}
