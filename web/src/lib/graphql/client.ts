// The browser's one GraphQL client: HTTP POST to same-origin /graphql (the session cookie
// rides along), subscriptions over graphql-ws on ws(s)://<host>/graphql.
// Browser only: on the server, a shared client would mix users' sessions and caches;
// server code uses `graphqlRequest` (server-request.ts) with the request's `event.fetch`.
import { Client, cacheExchange, fetchExchange, subscriptionExchange, type Exchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export const GRAPHQL_PATH = '/graphql';

/** ws://host/graphql under http, wss://host/graphql under https. */
export function graphqlWebSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
	const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${protocol}//${location.host}${GRAPHQL_PATH}`;
}

/**
 * Live events (new message, viewed, downloaded, deleted) over graphql-ws. The socket opens
 * lazily, on the first subscription, and closes when the last one ends.
 */
export function createSubscriptionExchange(wsClient: WsClient): Exchange {
	return subscriptionExchange({
		forwardSubscription(request) {
			const payload = { ...request, query: request.query ?? '' };
			return {
				subscribe(sink) {
					const unsubscribe = wsClient.subscribe(payload, sink);
					return { unsubscribe };
				}
			};
		}
	});
}

let client: Client | undefined;
let wsClient: WsClient | undefined;

/** Waits between reconnection attempts: 1 s, 2 s, 4 s… up to 30 s, with some jitter. */
export function retryDelayMs(retries: number, random = Math.random()): number {
	return Math.min(30_000, 1_000 * 2 ** Math.min(retries, 5)) + Math.floor(random * 1_000);
}

/** The graphql-ws client under the subscriptions (to follow its connections), browser only. */
export function graphqlWsClient(): WsClient {
	if (typeof window === 'undefined') throw new Error('graphqlWsClient() is for the browser');
	wsClient ??= createWsClient({
		url: graphqlWebSocketUrl(window.location),
		lazy: true,
		// a dropped connection (network, server restart) is retried for as long as the page is open
		retryAttempts: Number.POSITIVE_INFINITY,
		retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries)))
	});
	return wsClient;
}

/** The app's urql client, created on first use in the browser. */
export function graphqlClient(): Client {
	if (typeof window === 'undefined') {
		throw new Error('graphqlClient() is for the browser; on the server use graphqlRequest()');
	}
	client ??= new Client({
		url: GRAPHQL_PATH,
		exchanges: [
			cacheExchange,
			fetchExchange,
			createSubscriptionExchange(graphqlWsClient())
		],
		fetchOptions: () => ({
			credentials: 'same-origin',
			// Apollo's CSRF prevention: a header a cross-site form cannot send
			headers: { 'apollo-require-preflight': 'true' }
		}),
		// sign-in state and mail flags must never come from a stale cache
		requestPolicy: 'network-only'
	});
	return client;
}
