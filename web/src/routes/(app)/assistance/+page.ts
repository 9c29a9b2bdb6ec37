import { loadQuery } from '#lib/graphql/load-query.ts';
import { SupportContactDocument } from '#lib/graphql/generated/graphql.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
	const { me } = await loadQuery({ fetch, url }, SupportContactDocument, {});
	return { organization: me?.organization ?? null };
};
