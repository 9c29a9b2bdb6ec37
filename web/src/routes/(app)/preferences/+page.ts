import { loadQuery } from '#lib/graphql/load-query.ts';
import { PreferencesDocument } from '#lib/graphql/generated/graphql.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
	const { preferences } = await loadQuery({ fetch, url }, PreferencesDocument, {});
	return { preferences };
};
