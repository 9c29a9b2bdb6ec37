// /messages is the inbox's other address (e-mail links point to /messages/ID).
import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

export const load: PageLoad = () => {
	redirect(307, '/');
};
