import { describe, expect, it } from 'vitest';
import { loadShown, MAX_SHOWN, moreUrl, PAGE_SIZE, shownCount } from './paging.ts';

const at = (search: string) => new URL(`http://plex.test/sent${search}`);

describe('shownCount', () => {
	it('shows one page unless the address asks for more', () => {
		expect(shownCount(at(''))).toBe(PAGE_SIZE);
		expect(shownCount(at('?shown=40'))).toBe(40);
	});

	it('rounds up to whole pages and keeps within the limits', () => {
		expect(shownCount(at('?shown=41'))).toBe(60);
		expect(shownCount(at('?shown=0'))).toBe(PAGE_SIZE);
		expect(shownCount(at('?shown=-5'))).toBe(PAGE_SIZE);
		expect(shownCount(at('?shown=abc'))).toBe(PAGE_SIZE);
		expect(shownCount(at('?shown=1e9'))).toBe(MAX_SHOWN);
	});

	it('adds one page for "more", keeping the rest of the address', () => {
		expect(moreUrl(at('?x=1')).search).toBe('?x=1&shown=40');
		expect(moreUrl(at('?shown=40')).searchParams.get('shown')).toBe('60');
	});
});

describe('loadShown', () => {
	/** A server holding `total` messages, giving at most 100 per request. */
	function server(total: number) {
		const requests: [number, string | null][] = [];
		const fetchPage = async (first: number, after: string | null) => {
			requests.push([first, after]);
			const start = after ? Number(after) : 0;
			const end = Math.min(total, start + Math.min(first, 100));
			const items = Array.from({ length: end - start }, (_, index) => start + index);
			return { items, nextCursor: end < total ? String(end) : null };
		};
		return { requests, fetchPage };
	}

	it('asks for the count in pages of at most 100 and says whether more exist', async () => {
		const { requests, fetchPage } = server(250);
		const shown = await loadShown(220, fetchPage);
		expect(shown.items).toHaveLength(220);
		expect(shown.nextCursor).toBe('220');
		expect(requests).toEqual([
			[100, null],
			[100, '100'],
			[20, '200']
		]);
	});

	it('stops when the box has fewer messages', async () => {
		const { requests, fetchPage } = server(30);
		expect(await loadShown(60, fetchPage)).toEqual({ items: Array.from({ length: 30 }, (_, i) => i), nextCursor: null });
		expect(requests).toHaveLength(1);
	});
});
