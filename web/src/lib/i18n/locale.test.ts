import { describe, expect, it } from 'vitest';
import { chooseLocale, isLocale } from './locale.ts';

describe('chooseLocale', () => {
	it("prefers the signed-in user's language", () => {
		expect(chooseLocale('en', 'fr')).toBe('en');
		expect(chooseLocale('fr', 'en')).toBe('fr');
	});
	it('falls back to the cookie, then to French', () => {
		expect(chooseLocale(null, 'en')).toBe('en');
		expect(chooseLocale(undefined, undefined)).toBe('fr');
	});
	it('ignores values that are not one of the two languages', () => {
		expect(chooseLocale('de', 'EN')).toBe('fr');
		expect(chooseLocale('', 'en ')).toBe('fr');
		expect(isLocale('en-GB')).toBe(false);
	});
});
