import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
	describeError,
	GENERIC_ERROR_MESSAGE,
	loginErrorMessage,
	messageForGraphqlError,
	NETWORK_ERROR_MESSAGE,
	SESSION_EXPIRED_MESSAGE,
	unmetPasswordRules
} from './errors.ts';

const graphqlError = (extensions: Record<string, unknown>, message = 'Internal: stack at x.ts:1') =>
	new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });

describe('loginErrorMessage', () => {
	it('never says whether the address exists', () => {
		expect(loginErrorMessage(graphqlError({ code: 'UNAUTHENTICATED' }))).toBe(
			'Adresse e-mail ou mot de passe incorrect.'
		);
	});

	it('gives the wait in minutes when throttled', () => {
		expect(loginErrorMessage(graphqlError({ code: 'RATE_LIMITED', retryAfterSeconds: 290 }))).toBe(
			'Trop de tentatives. Réessayez dans 5 minutes.'
		);
		expect(loginErrorMessage(graphqlError({ code: 'RATE_LIMITED', retryAfterSeconds: 10 }))).toBe(
			'Trop de tentatives. Réessayez dans 1 minute.'
		);
	});

	it('shows a generic French message, never the server text, for anything else', () => {
		expect(loginErrorMessage(graphqlError({ code: 'INTERNAL_SERVER_ERROR' }))).toBe(GENERIC_ERROR_MESSAGE);
		expect(loginErrorMessage(new CombinedError({ networkError: new Error('fetch failed') }))).toBe(
			NETWORK_ERROR_MESSAGE
		);
	});
});

describe('unmetPasswordRules', () => {
	it('reads the French messages of WEAK_PASSWORD', () => {
		const error = graphqlError({
			code: 'WEAK_PASSWORD',
			unmetRules: [
				{ rule: 'COMMON', message: 'Ce mot de passe est trop courant.' },
				{ rule: 'EMAIL', message: "Le mot de passe ne doit pas être l'adresse e-mail." },
				{ rule: 'BROKEN' }
			]
		});
		expect(unmetPasswordRules(error).map((rule) => rule.message)).toEqual([
			'Ce mot de passe est trop courant.',
			"Le mot de passe ne doit pas être l'adresse e-mail."
		]);
	});
});

describe('describeError', () => {
	it("shows the domain rule's French message", () => {
		const error = graphqlError(
			{ code: 'RECIPIENT_UNKNOWN', addresses: ['x@y.fr'] },
			"Destinataire(s) inconnu(s) de l'annuaire PLEX : x@y.fr."
		);
		expect(describeError(error)).toBe("Destinataire(s) inconnu(s) de l'annuaire PLEX : x@y.fr.");
	});

	it('hides technical and unexpected messages', () => {
		expect(describeError(graphqlError({ code: 'BAD_USER_INPUT' }, 'Variable "$input" got invalid value'))).toBe(
			GENERIC_ERROR_MESSAGE
		);
		expect(describeError(graphqlError({ code: 'INTERNAL_SERVER_ERROR' }))).toBe(GENERIC_ERROR_MESSAGE);
		expect(describeError(graphqlError({ code: 'UNAUTHENTICATED' }))).toBe(SESSION_EXPIRED_MESSAGE);
		expect(messageForGraphqlError(undefined)).toBe(GENERIC_ERROR_MESSAGE);
	});
});

describe('in English', () => {
	it('words the app\'s own messages in English', () => {
		expect(loginErrorMessage(graphqlError({ code: 'UNAUTHENTICATED' }), 'en')).toBe('Incorrect e-mail address or password.');
		expect(loginErrorMessage(graphqlError({ code: 'RATE_LIMITED', retryAfterSeconds: 290 }), 'en')).toBe(
			'Too many attempts. Try again in 5 minutes.'
		);
		expect(describeError(graphqlError({ code: 'INTERNAL_SERVER_ERROR' }), 'en')).toBe(
			'Something unexpected went wrong. Please try again in a few moments.'
		);
		expect(describeError(new CombinedError({ networkError: new Error('fetch failed') }), 'en')).toBe(
			'The PLEX service is not answering. Check your connection and try again.'
		);
		expect(describeError(graphqlError({ code: 'UNAUTHENTICATED' }), 'en')).toBe(
			'Your session has expired: sign in again to continue.'
		);
	});

	it("passes the server's domain message through (the server words it in the user's language)", () => {
		const error = graphqlError({ code: 'NOT_FOUND' }, 'Message not found.');
		expect(describeError(error, 'en')).toBe('Message not found.');
	});
});
