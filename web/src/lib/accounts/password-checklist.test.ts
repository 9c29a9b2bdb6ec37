import { describe, expect, it } from 'vitest';
import { characterClasses, checklistMet, passwordChecklist, passwordLength } from './password-checklist.ts';

const met = (password: string, confirmation?: string) =>
	Object.fromEntries(passwordChecklist(password, confirmation).map((item) => [item.rule, item.met]));

describe('passwordChecklist', () => {
	it('accepts a password meeting every visible rule', () => {
		expect(met('Soleil2024', 'Soleil2024')).toEqual({
			minLength: true,
			distinct: true,
			classes: true,
			maxLength: true,
			confirmation: true
		});
		expect(checklistMet(passwordChecklist('Soleil2024', 'Soleil2024'))).toBe(true);
	});

	it('counts characters as code points, so an emoji is one character', () => {
		expect(passwordLength('😀😀😀😀😀😀😀')).toBe(7);
		expect(met('😀😀😀😀😀😀😀').minLength).toBe(false);
		expect(met('😀😀😀😀😀😀😀a').minLength).toBe(true);
	});

	it('needs 3 distinct characters', () => {
		expect(met('aaaaBBBB').distinct).toBe(false);
		expect(met('aaaaBBBc').distinct).toBe(true);
	});

	it('needs 2 of the 4 classes, special being anything but letters and digits', () => {
		expect(met('abcdefgh').classes).toBe(false);
		expect(met('ABCDEFGH').classes).toBe(false);
		expect(met('abcdefg1').classes).toBe(true);
		expect(met('abcdefg ').classes).toBe(true);
		expect(met('éèàçùâêî').classes).toBe(false);
		expect(met('ÉCOLEécole').classes).toBe(true);
		expect(characterClasses('a1-Z')).toEqual({ upper: true, lower: true, digit: true, special: true });
		expect(characterClasses('٣')).toMatchObject({ digit: true, special: false });
	});

	it('allows at most 256 characters', () => {
		expect(met(`Aa1${'x'.repeat(253)}`).maxLength).toBe(true);
		expect(met(`Aa1${'x'.repeat(254)}`).maxLength).toBe(false);
	});

	it('wants the confirmation typed and identical', () => {
		expect(met('Soleil2024', '').confirmation).toBe(false);
		expect(met('Soleil2024', 'soleil2024').confirmation).toBe(false);
		expect(met('Soleil2024')).not.toHaveProperty('confirmation');
	});
});
