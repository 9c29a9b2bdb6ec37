import { loadQuery } from '#lib/graphql/load-query.ts';
import { InboxDocument } from '#lib/graphql/generated/graphql.ts';
import { MESSAGES_DEPENDENCY } from '#lib/messages/refresh.ts';
import { loadShown, shownCount } from '#lib/messages/paging.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, depends }) => {
	depends(MESSAGES_DEPENDENCY);
	const inbox = await loadShown(shownCount(url), async (first, after) => {
		const { inbox: page } = await loadQuery({ fetch, url }, InboxDocument, { first, after });
		return page;
	});
	return { inbox };
};
