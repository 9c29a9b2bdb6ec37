// Sends the app's server-side requests for the PLEX API (/graphql) to the PLEX server.
// SvelteKit answers same-origin `event.fetch` calls itself, without HTTP, and it has no
// /graphql route: left alone, those requests would end in SvelteKit's 404 page.
import type { RequestEvent } from '@sveltejs/kit';

/** Paths served by the PLEX express server in front of this app. */
const API_PATHS = new Set(['/graphql']);

export function isPlexApiRequest(event: RequestEvent, url: URL): boolean {
	return url.origin === event.url.origin && API_PATHS.has(url.pathname);
}

/**
 * Where this process can reach the PLEX server: the local end of the socket the page
 * request came in on (the app is mounted inside that server, see adapter-node's
 * `platform.req`), so no DNS, proxy or TLS front is crossed. Falls back to the page's
 * origin when there is no such socket (e.g. `vite dev`).
 */
export function plexServerOrigin(event: RequestEvent): string {
	const socket = event.platform?.req?.socket;
	const address = socket?.localAddress;
	const port = socket?.localPort;
	if (!address || !port) return event.url.origin;
	const host = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
	const protocol = 'encrypted' in socket && socket.encrypted ? 'https' : 'http';
	return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Forwards `request` to the PLEX server with the browser's cookie and authorization. */
export async function fetchFromPlexServer(event: RequestEvent, request: Request): Promise<Response> {
	const url = new URL(request.url);
	const target = new URL(url.pathname + url.search, plexServerOrigin(event));
	const headers = new Headers(request.headers);
	for (const name of ['cookie', 'authorization']) {
		const value = event.request.headers.get(name);
		if (value && !headers.has(name)) headers.set(name, value);
	}
	const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
	return fetch(target, {
		method: request.method,
		headers,
		body: hasBody ? await request.arrayBuffer() : undefined,
		redirect: 'manual',
		signal: request.signal
	});
}
