// GraphQL requests made by `load` functions (the viewer, feature flags, page data).
// On the server they go through SvelteKit's `event.fetch`, which forwards the browser's
// cookie; the `handleFetch` hook then sends them to the PLEX server (see
// plex-server-fetch.ts). In the browser the same `fetch` reaches same-origin /graphql.
import { print } from 'graphql';
import type { TypedDocumentNode } from '@urql/core';
import { GRAPHQL_PATH } from './client.ts';

export interface GraphqlResponse<Data> {
	data?: Data | null;
	errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export class GraphqlRequestError extends Error {
	override name = 'GraphqlRequestError';
}

/** POSTs `document` to same-origin /graphql; throws when no GraphQL answer came back. */
export function graphqlRequest<Data, Variables extends Record<string, unknown>>(
	fetch: typeof globalThis.fetch,
	document: TypedDocumentNode<Data, Variables>,
	...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<GraphqlResponse<Data>> {
	return postGraphql(fetch, document, variables as Variables | undefined);
}

/** `graphqlRequest` with the variables always passed (for generic callers such as `loadQuery`). */
export async function postGraphql<Data, Variables extends Record<string, unknown>>(
	fetch: typeof globalThis.fetch,
	document: TypedDocumentNode<Data, Variables>,
	variables: Variables | undefined
): Promise<GraphqlResponse<Data>> {
	const definition = document.definitions.find((node) => node.kind === 'OperationDefinition');
	const response = await fetch(GRAPHQL_PATH, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			accept: 'application/graphql-response+json, application/json',
			'apollo-require-preflight': 'true'
		},
		body: JSON.stringify({
			operationName: definition?.name?.value,
			query: print(document),
			variables: variables ?? {}
		})
	});
	const type = response.headers.get('content-type') ?? '';
	if (!type.includes('json')) {
		throw new GraphqlRequestError(`POST ${GRAPHQL_PATH} answered ${response.status} ${type}`);
	}
	return (await response.json()) as GraphqlResponse<Data>;
}
