import { describe, expect, it } from 'vitest';
import {
	CHARACTER_CLASS_LABELS,
	characterClasses,
	checklistMet,
	passwordChecklist,
	passwordLength
} from './password-checklist.ts';

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

describe('passwordChecklist wording', () => {
	const labels = (locale?: 'fr' | 'en') =>
		passwordChecklist('Soleil2024', 'Soleil2024', locale).map((item) => item.label);

	it('speaks French by default', () => {
		expect(labels()).toEqual([
			'Au moins 8 caractères',
			'Au moins 3 caractères différents',
			'Au moins 2 types de caractères parmi : majuscule, minuscule, chiffre, caractère spécial',
			'Au plus 256 caractères',
			'La confirmation est identique au mot de passe'
		]);
		expect(labels('fr')).toEqual(labels());
	});

	it('speaks English when asked, with the same rules in the same order', () => {
		expect(labels('en')).toEqual([
			'At least 8 characters',
			'At least 3 different characters',
			'At least 2 types of character among: upper-case letter, lower-case letter, digit, special character',
			'At most 256 characters',
			'The confirmation matches the password'
		]);
		expect(passwordChecklist('abc', 'abd', 'en').map((item) => [item.rule, item.met])).toEqual(
			passwordChecklist('abc', 'abd', 'fr').map((item) => [item.rule, item.met])
		);
	});

	it('names the character classes in both languages', () => {
		expect(CHARACTER_CLASS_LABELS.fr.special).toBe('un caractère spécial');
		expect(CHARACTER_CLASS_LABELS.en.special).toBe('a special character');
		expect(Object.keys(CHARACTER_CLASS_LABELS.en)).toEqual(Object.keys(CHARACTER_CLASS_LABELS.fr));
	});
});
