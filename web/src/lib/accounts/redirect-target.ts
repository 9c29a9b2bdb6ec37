// Where to go after signing in: only a path of this site, never another origin
// (an open redirect would let a phishing link land a user on a look-alike site).

const PLACEHOLDER_ORIGIN = 'http://plex.invalid';

/**
 * Returns `value` when it is a same-site relative path ("/messages/1?x=y"), else "/".
 * Refuses "//host", "/\host" and anything the URL parser would resolve to another origin
 * (browsers drop tabs and newlines, so "/\t/host" is "//host").
 */
export function safeRedirectTarget(value: string | null | undefined): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
		return '/';
	}
	try {
		const url = new URL(value, PLACEHOLDER_ORIGIN);
		if (url.origin !== PLACEHOLDER_ORIGIN) return '/';
		return url.pathname + url.search + url.hash;
	} catch {
		return '/';
	}
}

/** The login page URL that brings the user back to `url` once signed in. */
export function loginPath(url: URL): string {
	// "/" may stay as is in a query string, which keeps the address readable
	const target = encodeURIComponent(url.pathname + url.search).replaceAll('%2F', '/');
	return `/login?redirectTo=${target}`;
}
