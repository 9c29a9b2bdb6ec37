import { loadQuery } from '#lib/graphql/load-query.ts';
import { SentDocument } from '#lib/graphql/generated/graphql.ts';
import { MESSAGES_DEPENDENCY } from '#lib/messages/refresh.ts';
import { loadShown, shownCount } from '#lib/messages/paging.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, depends }) => {
	depends(MESSAGES_DEPENDENCY);
	const sent = await loadShown(shownCount(url), async (first, after) => {
		const { sent: page } = await loadQuery({ fetch, url }, SentDocument, { first, after });
		return page;
	});
	return { sent };
};
