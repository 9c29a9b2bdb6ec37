// Asks the PLEX server who is signed in, with the browser's session cookie.
import { MeDocument } from '#lib/graphql/generated/graphql.ts';
import { graphqlRequest } from '#lib/graphql/server-request.ts';
import type { Viewer } from './viewer.ts';

/** The viewer, or null when signed out or when the server could not say. */
export async function loadViewer(fetch: typeof globalThis.fetch): Promise<Viewer | null> {
	try {
		const { data, errors } = await graphqlRequest(fetch, MeDocument);
		if (errors?.length) {
			console.error('[web] me query failed:', errors.map((error) => error.extensions?.['code'] ?? error.message).join(', '));
		}
		return data?.me ?? null;
	} catch (error) {
		console.error('[web] me query failed:', error instanceof Error ? error.message : error);
		return null;
	}
}
