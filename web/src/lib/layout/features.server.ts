// Switches the PLEX server gives the web app (query Features).
import { FeaturesDocument } from '#lib/graphql/generated/graphql.ts';
import { graphqlRequest } from '#lib/graphql/server-request.ts';
import { MAX_MESSAGE_BYTES } from '#lib/messages/limits.ts';

export interface Features {
	/** The embedded mail catcher runs (demo mode): its inbox is at /dev/mailbox. */
	mailCatcher: boolean;
	/** The largest total size of one message the server accepts. */
	maxMessageBytes: number;
}

export async function loadFeatures(fetch: typeof globalThis.fetch): Promise<Features> {
	try {
		const { data } = await graphqlRequest(fetch, FeaturesDocument);
		return {
			mailCatcher: data?.features.mailCatcher === true,
			maxMessageBytes: data?.features.maxMessageBytes ?? MAX_MESSAGE_BYTES
		};
	} catch (error) {
		console.error('[web] features query failed:', error instanceof Error ? error.message : error);
		return { mailCatcher: false, maxMessageBytes: MAX_MESSAGE_BYTES };
	}
}
