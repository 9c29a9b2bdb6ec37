// Administration (admins only; others get the 403 page): the directory, account creation, the
// CSV import, and a message's audit log by its id — searches are in the address (?q=, ?message=).
import { error } from '@sveltejs/kit';
import { loadQuery } from '#lib/graphql/load-query.ts';
import { messageForGraphqlError } from '#lib/graphql/errors.ts';
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

async function loadAudit(fetch: typeof globalThis.fetch, messageId: string) {
	try {
		const { data, errors } = await postGraphql(fetch, AuditLogDocument, { messageId });
		if (errors?.length || !data) {
			const notFound = errors?.[0]?.extensions?.['code'] === 'NOT_FOUND';
			return {
				messageId,
				events: null,
				error: notFound ? `Aucun message n'a l'identifiant « ${messageId} ».` : messageForGraphqlError(errors?.[0])
			};
		}
		return { messageId, events: data.auditLog, error: null };
	} catch {
		return { messageId, events: null, error: messageForGraphqlError(undefined) };
	}
}
