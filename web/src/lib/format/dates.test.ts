import { describe, expect, it } from 'vitest';
import { formatDateTime, formatShortDateTime, formatUtc } from './dates.ts';

describe('formatUtc', () => {
	it('shows the instant in UTC to the second', () => {
		expect(formatUtc('2026-11-28T11:41:40.016Z')).toBe('28/11/2026 11:41:40 UTC');
	});

	it('refuses an invalid date', () => {
		expect(formatUtc('hier')).toBe('—');
	});
});

describe('formatDateTime', () => {
	it('writes the day and time in the reader\'s language', () => {
		const instant = '2026-11-28T11:41:40Z';
		expect(formatDateTime(instant)).toMatch(/^28 novembre 2026 à \d{2}:41$/);
		expect(formatDateTime(instant, 'en')).toMatch(/^28 November 2026 at \d{2}:41$/);
		expect(formatShortDateTime(instant, 'en')).toMatch(/^28\/11\/2026 \d{2}:41$/);
		expect(formatShortDateTime(instant)).toMatch(/^28\/11\/2026 \d{2}:41$/);
	});
});
