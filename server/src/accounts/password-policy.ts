// The password rules of the guide (DESIGN.md rule 3), checked on the server and named one by one
// in the user's language. Lengths count characters (code points), so emoji and accents count once.
import type { Locale } from './user.entity.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

export type PasswordRule = 'MIN_LENGTH' | 'DISTINCT_CHARACTERS' | 'CHARACTER_CLASSES' | 'MAX_LENGTH' | 'NOT_EMAIL' | 'NOT_COMMON';

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 256;
export const MIN_DISTINCT = 3;
export const MIN_CLASSES = 2;

export const PASSWORD_RULE_LABELS: Record<Locale, Record<PasswordRule, string>> = {
  fr: {
    MIN_LENGTH: `Comporter au moins ${MIN_LENGTH} caractères.`,
    DISTINCT_CHARACTERS: `Contenir au moins ${MIN_DISTINCT} caractères distincts.`,
    CHARACTER_CLASSES: `Respecter au moins ${MIN_CLASSES} des 4 règles suivantes : une majuscule, une minuscule, un chiffre, un caractère spécial.`,
    MAX_LENGTH: `Comporter au plus ${MAX_LENGTH} caractères.`,
    NOT_EMAIL: 'Être différent de votre adresse e-mail.',
    NOT_COMMON: 'Ne pas être un mot de passe trop courant.',
  },
  en: {
    MIN_LENGTH: `Be at least ${MIN_LENGTH} characters long.`,
    DISTINCT_CHARACTERS: `Contain at least ${MIN_DISTINCT} distinct characters.`,
    CHARACTER_CLASSES: `Meet at least ${MIN_CLASSES} of these 4 rules: an upper-case letter, a lower-case letter, a digit, a special character.`,
    MAX_LENGTH: `Be at most ${MAX_LENGTH} characters long.`,
    NOT_EMAIL: 'Differ from your e-mail address.',
    NOT_COMMON: 'Not be a too common password.',
  },
};

export function characterClasses(password: string): number {
  return [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
}

/** The rules the password does not meet, in the order of the guide; empty when it is acceptable. */
export function unmetPasswordRules(password: string, email?: string): PasswordRule[] {
  const characters = [...password];
  const unmet: PasswordRule[] = [];
  if (characters.length < MIN_LENGTH) unmet.push('MIN_LENGTH');
  if (new Set(characters).size < MIN_DISTINCT) unmet.push('DISTINCT_CHARACTERS');
  if (characterClasses(password) < MIN_CLASSES) unmet.push('CHARACTER_CLASSES');
  if (characters.length > MAX_LENGTH) unmet.push('MAX_LENGTH');
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) unmet.push('NOT_EMAIL');
  if (COMMON_PASSWORDS.has(password.toLowerCase())) unmet.push('NOT_COMMON');
  return unmet;
}
