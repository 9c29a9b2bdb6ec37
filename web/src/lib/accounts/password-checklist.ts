// Live password checklist for the reset / activation form (DESIGN.md rule 3).
// It mirrors the rules a user can see while typing; the server stays the judge and also
// refuses common passwords and the account's own e-mail address (WEAK_PASSWORD).

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

export const CHARACTER_CLASS_LABELS: Record<CharacterClass, string> = {
	upper: 'une majuscule',
	lower: 'une minuscule',
	digit: 'un chiffre',
	special: 'un caractère spécial'
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

/** The visible rules, in display order, each with whether `password` meets it. */
export function passwordChecklist(password: string, confirmation?: string): ChecklistItem[] {
	const length = passwordLength(password);
	const distinct = new Set(password).size; // a string iterates by code point
	const classes = Object.values(characterClasses(password)).filter(Boolean).length;

	const items: ChecklistItem[] = [
		{
			rule: 'minLength',
			label: `Au moins ${PASSWORD_MIN_LENGTH} caractères`,
			met: length >= PASSWORD_MIN_LENGTH
		},
		{
			rule: 'distinct',
			label: `Au moins ${PASSWORD_MIN_DISTINCT} caractères différents`,
			met: distinct >= PASSWORD_MIN_DISTINCT
		},
		{
			rule: 'classes',
			label:
				'Au moins 2 types de caractères parmi : majuscule, minuscule, chiffre, caractère spécial',
			met: classes >= PASSWORD_MIN_CLASSES
		},
		{
			rule: 'maxLength',
			label: `Au plus ${PASSWORD_MAX_LENGTH} caractères`,
			met: length <= PASSWORD_MAX_LENGTH
		}
	];

	if (confirmation !== undefined) {
		items.push({
			rule: 'confirmation',
			label: 'La confirmation est identique au mot de passe',
			met: confirmation.length > 0 && confirmation === password
		});
	}

	return items;
}

/** True when every item of the checklist is met. */
export function checklistMet(items: readonly ChecklistItem[]): boolean {
	return items.every((item) => item.met);
}
