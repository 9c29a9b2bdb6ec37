// Turns GraphQL errors into messages for the user, in their language. Only the stable
// `extensions.code` is read: server messages and stacks are never shown as such, except the
// domain rules' messages, which the server writes for the user in the request's language.
import type { CombinedError } from '@urql/core';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

interface ErrorWording {
	generic: string;
	network: string;
	sessionExpired: string;
	badCredentials: string;
	/** "Trop de tentatives. Réessayez dans 5 minutes."; no number when the wait is unknown. */
	rateLimited: (minutes: number | null) => string;
}

export const ERROR_WORDING: Translations<ErrorWording> = {
	fr: {
		generic: 'Une erreur inattendue est survenue. Veuillez réessayer dans quelques instants.',
		network: 'Le service PLEX ne répond pas. Vérifiez votre connexion puis réessayez.',
		sessionExpired: 'Votre session a expiré : reconnectez-vous pour continuer.',
		badCredentials: 'Adresse e-mail ou mot de passe incorrect.',
		rateLimited: (minutes) =>
			minutes === null
				? 'Trop de tentatives. Réessayez dans quelques minutes.'
				: `Trop de tentatives. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`
	},
	en: {
		generic: 'Something unexpected went wrong. Please try again in a few moments.',
		network: 'The PLEX service is not answering. Check your connection and try again.',
		sessionExpired: 'Your session has expired: sign in again to continue.',
		badCredentials: 'Incorrect e-mail address or password.',
		rateLimited: (minutes) =>
			minutes === null
				? 'Too many attempts. Try again in a few minutes.'
				: `Too many attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`
	}
};

/** The French wording, the default (kept for the tests and callers without a page). */
export const GENERIC_ERROR_MESSAGE = ERROR_WORDING.fr.generic;
export const NETWORK_ERROR_MESSAGE = ERROR_WORDING.fr.network;

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
export function rateLimitedMessage(retryAfterSeconds: unknown, locale: Locale = DEFAULT_LOCALE): string {
	if (typeof retryAfterSeconds !== 'number' || !Number.isFinite(retryAfterSeconds)) {
		return ERROR_WORDING[locale].rateLimited(null);
	}
	return ERROR_WORDING[locale].rateLimited(Math.max(1, Math.ceil(retryAfterSeconds / 60)));
}

/** The message for any error without a more specific one on the page. */
export function genericErrorMessage(error: CombinedError, locale: Locale = DEFAULT_LOCALE): string {
	if (error.graphQLErrors.length === 0 && error.networkError) return ERROR_WORDING[locale].network;
	if (errorCode(error) === 'RATE_LIMITED') {
		return rateLimitedMessage(firstExtensions(error)?.['retryAfterSeconds'], locale);
	}
	return ERROR_WORDING[locale].generic;
}

/** Login errors: never say whether the address exists. */
export function loginErrorMessage(error: CombinedError, locale: Locale = DEFAULT_LOCALE): string {
	if (errorCode(error) === 'UNAUTHENTICATED') return ERROR_WORDING[locale].badCredentials;
	return genericErrorMessage(error, locale);
}

/** The messages of WEAK_PASSWORD's `extensions.unmetRules` (in the request's language). */
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
 * Codes whose server message is written for the user, in the request's language, by the PLEX
 * server's domain rules (e.g. "Destinataire(s) inconnu(s) de l'annuaire PLEX : x@y.fr."): shown
 * as is.
 */
const USER_FACING_CODES = new Set([
	'BAD_USER_INPUT',
	'RECIPIENT_UNKNOWN',
	'FORBIDDEN',
	'NOT_FOUND',
	'MESSAGE_EXPIRED',
	'PAYLOAD_TOO_LARGE'
]);

export const SESSION_EXPIRED_MESSAGE = ERROR_WORDING.fr.sessionExpired;

/** The message for one GraphQL error as the server sent it (code and message). */
export function messageForGraphqlError(
	error: { message?: unknown; extensions?: Record<string, unknown> } | undefined,
	locale: Locale = DEFAULT_LOCALE
): string {
	const code = error?.extensions?.['code'];
	const message = typeof error?.message === 'string' ? error.message.trim() : '';
	if (code === 'UNAUTHENTICATED') return ERROR_WORDING[locale].sessionExpired;
	if (code === 'RATE_LIMITED') return rateLimitedMessage(error?.extensions?.['retryAfterSeconds'], locale);
	// GraphQL's own coercion errors share BAD_USER_INPUT but are English and technical
	if (typeof code === 'string' && USER_FACING_CODES.has(code) && message && !message.startsWith('Variable "$')) {
		return message;
	}
	return ERROR_WORDING[locale].generic;
}

/** The message for a failed urql operation: the domain rule's wording when there is one. */
export function describeError(error: CombinedError, locale: Locale = DEFAULT_LOCALE): string {
	if (error.graphQLErrors.length === 0) return genericErrorMessage(error, locale);
	return messageForGraphqlError(error.graphQLErrors[0], locale);
}
