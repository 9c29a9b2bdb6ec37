import { loadQuery } from '#lib/graphql/load-query.ts';
import { ReceiptDocument } from '#lib/graphql/generated/graphql.ts';
import { MESSAGES_DEPENDENCY } from '#lib/messages/refresh.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, params, depends }) => {
	depends(MESSAGES_DEPENDENCY);
	const { receipt } = await loadQuery({ fetch, url }, ReceiptDocument, { messageId: params.id }, {
		notFound: 'receiptNotFound'
	});
	return { receipt };
};
