// Administration (admins only; others get the 403 page): the directory, account creation, the
// CSV import, and a message's audit log by its id — searches are in the address (?q=, ?message=).
import { error } from '@sveltejs/kit';
import { loadQuery } from '#lib/graphql/load-query.ts';
import { AuditLogDocument, UsersDocument } from '#lib/graphql/generated/graphql.ts';
import { postGraphql } from '#lib/graphql/server-request.ts';
import { USERS_DEPENDENCY } from './dependency.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, parent, depends }) => {
	const { viewer } = await parent();
	if (viewer?.role !== 'ADMIN') {
		error(403, { message: 'Forbidden', reason: 'adminOnly' });
	}
	depends(USERS_DEPENDENCY);
	const search = url.searchParams.get('q')?.trim() ?? '';
	const messageId = url.searchParams.get('message')?.trim() ?? '';

	const [{ users }, audit] = await Promise.all([
		loadQuery({ fetch, url }, UsersDocument, { search: search || null, first: 50 }),
		messageId ? loadAudit(fetch, messageId) : Promise.resolve(null)
	]);
	return { search, users, audit };
};

/**
 * A failed look-up is returned as data for the page to word in the user's language (a `load`
 * function cannot know it): `notFound` for an unknown id, else the server's error (code and
 * message, which the server words in the request's language) for `messageForGraphqlError`.
 */
interface AuditFailure {
	message?: string;
	extensions?: Record<string, unknown>;
}

async function loadAudit(fetch: typeof globalThis.fetch, messageId: string) {
	try {
		const { data, errors } = await postGraphql(fetch, AuditLogDocument, { messageId });
		if (errors?.length || !data) {
			const first = errors?.[0];
			const notFound = first?.extensions?.['code'] === 'NOT_FOUND';
			const failure: AuditFailure = { message: first?.message, extensions: first?.extensions };
			return { messageId, events: null, notFound, error: notFound ? null : failure };
		}
		return { messageId, events: data.auditLog, notFound: false, error: null };
	} catch {
		// no GraphQL answer: the page says the generic error
		return { messageId, events: null, notFound: false, error: {} as AuditFailure };
	}
}
