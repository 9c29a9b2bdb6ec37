// Live password checklist for the reset / activation form (DESIGN.md rule 3).
// It mirrors the rules a user can see while typing; the server stays the judge and also
// refuses common passwords and the account's own e-mail address (WEAK_PASSWORD).
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_MIN_DISTINCT = 3;
export const PASSWORD_MIN_CLASSES = 2;

export type CharacterClass = 'upper' | 'lower' | 'digit' | 'special';

export type ChecklistRule = 'minLength' | 'distinct' | 'classes' | 'maxLength' | 'confirmation';

export interface ChecklistItem {
	rule: ChecklistRule;
	label: string;
	met: boolean;
}

export const CHARACTER_CLASS_LABELS: Translations<Record<CharacterClass, string>> = {
	fr: {
		upper: 'une majuscule',
		lower: 'une minuscule',
		digit: 'un chiffre',
		special: 'un caractère spécial'
	},
	en: {
		upper: 'an upper-case letter',
		lower: 'a lower-case letter',
		digit: 'a digit',
		special: 'a special character'
	}
};

/** The label of each rule of the checklist, in each language. */
export const CHECKLIST_LABELS: Translations<Record<ChecklistRule, string>> = {
	fr: {
		minLength: `Au moins ${PASSWORD_MIN_LENGTH} caractères`,
		distinct: `Au moins ${PASSWORD_MIN_DISTINCT} caractères différents`,
		classes:
			'Au moins 2 types de caractères parmi : majuscule, minuscule, chiffre, caractère spécial',
		maxLength: `Au plus ${PASSWORD_MAX_LENGTH} caractères`,
		confirmation: 'La confirmation est identique au mot de passe'
	},
	en: {
		minLength: `At least ${PASSWORD_MIN_LENGTH} characters`,
		distinct: `At least ${PASSWORD_MIN_DISTINCT} different characters`,
		classes:
			'At least 2 types of character among: upper-case letter, lower-case letter, digit, special character',
		maxLength: `At most ${PASSWORD_MAX_LENGTH} characters`,
		confirmation: 'The confirmation matches the password'
	}
};

/** Length in Unicode code points, as the server counts it (an emoji is one character). */
export function passwordLength(password: string): number {
	return [...password].length;
}

/** Which of the four character classes the password uses. */
export function characterClasses(password: string): Record<CharacterClass, boolean> {
	return {
		upper: /\p{Lu}/u.test(password),
		lower: /\p{Ll}/u.test(password),
		digit: /\p{Nd}/u.test(password),
		special: /[^\p{L}\p{N}]/u.test(password)
	};
}

/** The visible rules, in display order, each with whether `password` meets it, in `locale`. */
export function passwordChecklist(
	password: string,
	confirmation?: string,
	locale: Locale = DEFAULT_LOCALE
): ChecklistItem[] {
	const labels = CHECKLIST_LABELS[locale];
	const length = passwordLength(password);
	const distinct = new Set(password).size; // a string iterates by code point
	const classes = Object.values(characterClasses(password)).filter(Boolean).length;

	const items: ChecklistItem[] = [
		{
			rule: 'minLength',
			label: labels.minLength,
			met: length >= PASSWORD_MIN_LENGTH
		},
		{
			rule: 'distinct',
			label: labels.distinct,
			met: distinct >= PASSWORD_MIN_DISTINCT
		},
		{
			rule: 'classes',
			label: labels.classes,
			met: classes >= PASSWORD_MIN_CLASSES
		},
		{
			rule: 'maxLength',
			label: labels.maxLength,
			met: length <= PASSWORD_MAX_LENGTH
		}
	];

	if (confirmation !== undefined) {
		items.push({
			rule: 'confirmation',
			label: labels.confirmation,
			met: confirmation.length > 0 && confirmation === password
		});
	}

	return items;
}

/** True when every item of the checklist is met. */
export function checklistMet(items: readonly ChecklistItem[]): boolean {
	return items.every((item) => item.met);
}
