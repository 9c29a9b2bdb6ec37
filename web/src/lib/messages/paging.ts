// How many messages a box (inbox, sent) shows: 20 at first, 20 more on each "Plus de messages".
// The count is in the address (?shown=40), so that a refresh — the user's, or one a live event
// triggers — reloads as many messages as were on screen instead of falling back to the first 20.

export const PAGE_SIZE = 20;
/** The PLEX server gives at most 100 messages a request. */
export const SERVER_PAGE_MAX = 100;
/** A box view shows at most this many messages. */
export const MAX_SHOWN = 500;
export const SHOWN_PARAM = 'shown';

/** The count the address asks for: a whole number of pages, between PAGE_SIZE and MAX_SHOWN. */
export function shownCount(url: { readonly searchParams: { get(name: string): string | null } }): number {
	const asked = Number(url.searchParams.get(SHOWN_PARAM));
	if (!Number.isFinite(asked) || asked <= PAGE_SIZE) return PAGE_SIZE;
	return Math.min(MAX_SHOWN, Math.ceil(asked / PAGE_SIZE) * PAGE_SIZE);
}

/** The address showing one page more than `url`. */
export function moreUrl(url: { readonly href: string; readonly searchParams: { get(name: string): string | null } }): URL {
	const next = new URL(url.href);
	next.searchParams.set(SHOWN_PARAM, String(Math.min(MAX_SHOWN, shownCount(url) + PAGE_SIZE)));
	return next;
}

export interface BoxPage<Item> {
	items: Item[];
	nextCursor?: string | null;
}

/** The first `shown` messages, asked of the server page by page (at most SERVER_PAGE_MAX each). */
export async function loadShown<Item>(
	shown: number,
	fetchPage: (first: number, after: string | null) => Promise<BoxPage<Item>>
): Promise<{ items: Item[]; nextCursor: string | null }> {
	const items: Item[] = [];
	let after: string | null = null;
	do {
		const page: BoxPage<Item> = await fetchPage(Math.min(SERVER_PAGE_MAX, shown - items.length), after);
		items.push(...page.items);
		after = page.nextCursor ?? null;
	} while (after && items.length < shown);
	return { items, nextCursor: items.length >= MAX_SHOWN ? null : after };
}
