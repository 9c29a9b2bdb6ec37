// Switches the PLEX server gives the web app (query Features).
import { FeaturesDocument } from '#lib/graphql/generated/graphql.ts';
import { graphqlRequest } from '#lib/graphql/server-request.ts';

export interface Features {
	/** The embedded mail catcher runs (demo mode): its inbox is at /dev/mailbox. */
	mailCatcher: boolean;
}

export async function loadFeatures(fetch: typeof globalThis.fetch): Promise<Features> {
	try {
		const { data } = await graphqlRequest(fetch, FeaturesDocument);
		return { mailCatcher: data?.features.mailCatcher === true };
	} catch (error) {
		console.error('[web] features query failed:', error instanceof Error ? error.message : error);
		return { mailCatcher: false };
	}
}
