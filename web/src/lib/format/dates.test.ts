import { describe, expect, it } from 'vitest';
import { formatUtc } from './dates.ts';

describe('formatUtc', () => {
	it('shows the instant in UTC to the second', () => {
		expect(formatUtc('2026-11-28T11:41:40.016Z')).toBe('28/11/2026 11:41:40 UTC');
	});

	it('refuses an invalid date', () => {
		expect(formatUtc('hier')).toBe('—');
	});
});
