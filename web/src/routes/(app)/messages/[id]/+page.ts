import { loadQuery } from '#lib/graphql/load-query.ts';
import { MessageDocument } from '#lib/graphql/generated/graphql.ts';
import { MESSAGES_DEPENDENCY } from '#lib/messages/refresh.ts';
import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url, params, depends }) => {
	depends(MESSAGES_DEPENDENCY);
	const { message } = await loadQuery({ fetch, url }, MessageDocument, { id: params.id }, {
		notFound: 'messageNotFound'
	});
	if (!message) error(404, { message: 'Not found', reason: 'messageNotFound' });
	return { message };
};
