// GraphQL queries made by `load` functions (on the server for the first page, in the browser
// after): the data, or the page the situation calls for — the login page when the session has
// ended (then back here), "introuvable" (404), "accès refusé" (403), or an error page (worded in
// the user's language by routes/+error.svelte, from the error's `reason`).
import { error, redirect } from '@sveltejs/kit';
import type { TypedDocumentNode } from '@urql/core';
import { loginPath } from '#lib/accounts/redirect-target.ts';
import type { ErrorReason } from '#lib/layout/error-page.ts';
import { postGraphql, type GraphqlResponse } from './server-request.ts';

interface LoadContext {
	fetch: typeof globalThis.fetch;
	url: URL;
}

export interface NotFoundWording {
	/** Why the page is not found when the server answers NOT_FOUND, e.g. 'messageNotFound'. */
	notFound?: ErrorReason;
}

export async function loadQuery<Data, Variables extends Record<string, unknown>>(
	{ fetch, url }: LoadContext,
	document: TypedDocumentNode<Data, Variables>,
	variables: Variables,
	wording: NotFoundWording = {}
): Promise<Data> {
	let response: GraphqlResponse<Data>;
	try {
		response = await postGraphql(fetch, document, variables);
	} catch {
		error(503, { message: 'Service unavailable', reason: 'network' });
	}
	const first = response.errors?.[0];
	if (first) {
		const code = first.extensions?.['code'];
		if (code === 'UNAUTHENTICATED') redirect(303, loginPath(url));
		if (code === 'NOT_FOUND') error(404, { message: 'Not found', reason: wording.notFound });
		if (code === 'FORBIDDEN') {
			// the server words its rules in the user's language
			error(403, { message: 'Forbidden', detail: typeof first.message === 'string' ? first.message : undefined });
		}
		error(500, { message: 'Error', reason: 'generic' });
	}
	if (!response.data) error(500, { message: 'Error', reason: 'generic' });
	return response.data;
}
