// GraphQL queries made by `load` functions (on the server for the first page, in the browser
// after): the data, or the page the situation calls for — the login page when the session has
// ended (then back here), "introuvable" (404), "accès refusé" (403), or an error page in French.
import { error, redirect } from '@sveltejs/kit';
import type { TypedDocumentNode } from '@urql/core';
import { loginPath } from '#lib/accounts/redirect-target.ts';
import { GENERIC_ERROR_MESSAGE, NETWORK_ERROR_MESSAGE } from './errors.ts';
import { postGraphql, type GraphqlResponse } from './server-request.ts';

interface LoadContext {
	fetch: typeof globalThis.fetch;
	url: URL;
}

export interface NotFoundWording {
	/** Shown when the server answers NOT_FOUND, e.g. "Ce message n'existe pas ou plus." */
	notFound?: string;
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
		error(503, { message: 'Service indisponible', detail: NETWORK_ERROR_MESSAGE });
	}
	const first = response.errors?.[0];
	if (first) {
		const code = first.extensions?.['code'];
		if (code === 'UNAUTHENTICATED') redirect(303, loginPath(url));
		if (code === 'NOT_FOUND') error(404, { message: 'Introuvable', detail: wording.notFound });
		if (code === 'FORBIDDEN') {
			error(403, { message: 'Accès refusé', detail: typeof first.message === 'string' ? first.message : undefined });
		}
		error(500, { message: 'Erreur', detail: GENERIC_ERROR_MESSAGE });
	}
	if (!response.data) error(500, { message: 'Erreur', detail: GENERIC_ERROR_MESSAGE });
	return response.data;
}
