// Server hooks: who is signed in (for every page and data request), the guard of the
// signed-in pages, and the route for the app's own API calls to the PLEX server.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { Handle, HandleFetch, HandleServerError } from '@sveltejs/kit/hooks';
import { loginPath } from '#lib/accounts/redirect-target.ts';
import { loadViewer } from '#lib/accounts/viewer.server.ts';
import { ERROR_WORDING } from '#lib/graphql/errors.ts';
import { chooseLocale, DEFAULT_LOCALE, isLocale, LOCALE_COOKIE } from '#lib/i18n/locale.ts';
import { fetchFromPlexServer, isPlexApiRequest } from '#lib/graphql/plex-server-fetch.ts';

/** Routes under src/routes/(app) need a session; the others are public. */
function needsSession(routeId: string | null): boolean {
	return routeId?.startsWith('/(app)') ?? false;
}

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The language asked for by a signed-out visitor: `?lang=en` on a link (the activation and
 * reset e-mails carry the account's language) is kept in the cookie the switch also sets;
 * otherwise the cookie's.
 */
function signedOutLanguage(event: RequestEvent): string | undefined {
	const requested = event.url.searchParams.get('lang');
	if (!event.locals.viewer && isLocale(requested)) {
		event.cookies.set(LOCALE_COOKIE, requested, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: event.url.protocol === 'https:',
			maxAge: YEAR_SECONDS
		});
		return requested;
	}
	return event.cookies.get(LOCALE_COOKIE);
}

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.viewer = await loadViewer(event.fetch);
	event.locals.locale = chooseLocale(event.locals.viewer?.locale, signedOutLanguage(event));

	if (needsSession(event.route.id) && !event.locals.viewer) {
		redirect(303, loginPath(event.url));
	}

	// page data is loaded by universal `load` functions whose GraphQL answers are inlined in the
	// page; they read the answer's content type, which must then be inlined too
	const response = await resolve(event, {
		filterSerializedResponseHeaders: (name) => name === 'content-type',
		transformPageChunk: ({ html }) => html.replace('%plex.lang%', event.locals.locale)
	});
	// pages show who is signed in: no shared or back-button cache
	if (!response.headers.has('cache-control')) {
		try {
			response.headers.set('cache-control', 'private, no-store');
		} catch {
			// immutable headers (a proxied response): leave them as they are
		}
	}
	return response;
};

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	if (isPlexApiRequest(event, new URL(request.url))) {
		return fetchFromPlexServer(event, request);
	}
	return fetch(request);
};

export const handleError: HandleServerError = ({ kind, error, event }) => {
	if (kind === 'unknown') {
		console.error(`[web] ${event.request.method} ${event.url.pathname}:`, error);
		const locale = isLocale(event.locals.locale) ? event.locals.locale : DEFAULT_LOCALE;
		return { message: ERROR_WORDING[locale].generic, reason: 'generic' };
	}
};
