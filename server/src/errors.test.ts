import { describe, expect, it } from 'vitest';
import { forbidden, invalidCredentials, invalidToken, notFound, parseId, payloadTooLarge, PlexError, rateLimited, unauthenticated } from './errors.js';

describe('domain errors', () => {
  it('say French by default and have an English wording of their own, parameterless ones included', () => {
    const errors = [unauthenticated(), invalidCredentials(), forbidden(), notFound(), invalidToken(), rateLimited(90), payloadTooLarge(1024)];
    for (const error of errors) {
      expect(error.message).toBe(error.wording.fr);
      expect(error.wording.en.trim()).not.toBe('');
      expect(error.wording.en).not.toBe(error.wording.fr);
    }
    expect(rateLimited(90).wording).toEqual({ fr: 'Trop de tentatives. Réessayez dans 2 minute(s).', en: 'Too many attempts. Try again in 2 minute(s).' });
    expect(() => parseId('nope')).toThrow(expect.objectContaining({ code: 'NOT_FOUND', wording: { fr: 'Introuvable.', en: 'Not found.' } }));
  });

  it('switch language, message and worded extensions alike, and keep their code and other extensions', () => {
    const error = new PlexError('WEAK_PASSWORD', { fr: 'Trop court.', en: 'Too short.' }, { field: 'password' }, {
      locale: 'en',
      extensions: { fr: { unmetRules: [{ rule: 'MIN_LENGTH', message: 'Plus long.' }] }, en: { unmetRules: [{ rule: 'MIN_LENGTH', message: 'Longer.' }] } },
    });
    expect(error.message).toBe('Too short.');
    expect(error.extensions).toEqual({ field: 'password', unmetRules: [{ rule: 'MIN_LENGTH', message: 'Longer.' }], code: 'WEAK_PASSWORD' });
    error.localize('fr');
    expect(error.message).toBe('Trop court.');
    expect(error.extensions).toEqual({ field: 'password', unmetRules: [{ rule: 'MIN_LENGTH', message: 'Plus long.' }], code: 'WEAK_PASSWORD' });
  });
});
