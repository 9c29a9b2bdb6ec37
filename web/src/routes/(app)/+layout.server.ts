// Pages for signed-in users. hooks.server.ts already turns signed-out requests away; this
// load also makes every client-side navigation into these pages ask the server (and so
// pass through that guard), and gives them a non-null viewer.
import { redirect } from '@sveltejs/kit';
import { loginPath } from '#lib/accounts/redirect-target.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.viewer) redirect(303, loginPath(url));
	return { viewer: locals.viewer };
};
