import { loadQuery } from '#lib/graphql/load-query.ts';
import { InboxDocument } from '#lib/graphql/generated/graphql.ts';
import { MESSAGES_DEPENDENCY } from '#lib/messages/refresh.ts';
import { PAGE_SIZE } from '#lib/messages/paging.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, depends }) => {
	depends(MESSAGES_DEPENDENCY);
	const { inbox } = await loadQuery({ fetch, url }, InboxDocument, { first: PAGE_SIZE });
	return { inbox };
};
