import { describe, expect, it } from 'vitest';
import { unmetPasswordRules } from './password-policy.js';

describe('password rules', () => {
  it.each([
    ['Abcdef1', ['MIN_LENGTH']],
    ['Abcdef12', []],
    ['zzzzzzzz', ['DISTINCT_CHARACTERS', 'CHARACTER_CLASSES']],
    ['aaaaaaaa', ['DISTINCT_CHARACTERS', 'CHARACTER_CLASSES', 'NOT_COMMON']],
    ['aaaaaaAb', []], // 3 distinct, upper + lower
    ['aabbaabb', ['DISTINCT_CHARACTERS', 'CHARACTER_CLASSES']],
    ['bcdefghi', ['CHARACTER_CLASSES']],
    ['ABCDEFG1', []],
    ['abcdefg!', []],
    ['1234567!', []],
    ['éèàçùêëï', ['CHARACTER_CLASSES']], // all lower-case letters
    ['Éèàçùêëï', []],
    ['🔐🔐 clé 🔑 ok', []], // lower-case letters and specials, 12 characters
    ['🔐🔐🔐🔐🔐🔐🔑', ['MIN_LENGTH', 'DISTINCT_CHARACTERS', 'CHARACTER_CLASSES']],
    [`Aa1${'x'.repeat(253)}`, []],
    [`Aa1${'x'.repeat(254)}`, ['MAX_LENGTH']],
    ['Password1', ['NOT_COMMON']],
    ['AZERTY123', ['NOT_COMMON']],
  ])('%s → %j', (password, unmet) => {
    expect(unmetPasswordRules(password)).toEqual(unmet);
  });

  it('refuses the e-mail address, whatever its case', () => {
    expect(unmetPasswordRules('Jean.Dupont@Avocat.fr', 'jean.dupont@avocat.fr')).toEqual(['NOT_EMAIL']);
    expect(unmetPasswordRules('Jean.Dupont@Avocat.fr2', 'jean.dupont@avocat.fr')).toEqual([]);
  });
});
