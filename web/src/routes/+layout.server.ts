import { loadFeatures } from '#lib/layout/features.server.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, fetch }) => {
	const { mailCatcher, maxMessageBytes } = await loadFeatures(fetch);
	return { viewer: locals.viewer, locale: locals.locale, mailCatcher, maxMessageBytes };
};
