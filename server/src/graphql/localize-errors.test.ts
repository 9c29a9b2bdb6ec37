import { GraphQLError, locatedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../accounts/user.entity.js';
import { notFound } from '../errors.js';
import { UNEXPECTED } from './format-error.js';
import { localizeErrors } from './localize-errors.js';

async function listener() {
  const started = await localizeErrors().requestDidStart!({} as never);
  return started!;
}

describe('errors in the language of the request', () => {
  it('puts domain errors (as resolvers and validation report them) in English for an English-speaking request only', async () => {
    const hooks = await listener();
    for (const [locale, expected] of [['fr', 'Message introuvable.'], ['en', 'Message not found.']] as [Locale, string][]) {
      const fromResolver = notFound({ fr: 'Message introuvable.', en: 'Message not found.' });
      const fromValidation = notFound({ fr: 'Message introuvable.', en: 'Message not found.' });
      const errors = [locatedError(fromResolver, [], ['message']), new GraphQLError(fromValidation.message, { originalError: fromValidation })];
      await hooks.didEncounterErrors!({ contextValue: { locale }, errors } as never);
      expect([fromResolver.message, fromValidation.message]).toEqual([expected, expected]);
    }
  });

  it('says the masked "unexpected error" in English for an English-speaking request', async () => {
    const hooks = await listener();
    const answer = (locale: Locale) => {
      const response = { body: { kind: 'single', singleResult: { errors: [{ message: UNEXPECTED.fr, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } } };
      return hooks.willSendResponse!({ contextValue: { locale }, response } as never).then(() => response.body.singleResult.errors[0].message);
    };
    expect(await answer('en')).toBe('An unexpected error occurred. Try again later.');
    expect(await answer('fr')).toBe(UNEXPECTED.fr);
  });
});
