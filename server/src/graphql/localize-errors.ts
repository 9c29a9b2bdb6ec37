// Answers in the request's language (Context.locale). Every domain error carries a French and an
// English wording and says French by default; for an English-speaking request this plugin puts it
// in English in didEncounterErrors, which Apollo runs before `formatError` shapes the answer, and
// then turns the masked "unexpected error" into English as the response leaves.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { domainError, UNEXPECTED } from './format-error.js';

export function localizeErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          if (contextValue.locale === 'fr') return;
          for (const error of errors) domainError(error)?.localize(contextValue.locale);
        },
        async willSendResponse({ contextValue, response }) {
          if (contextValue.locale === 'fr' || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const { singleResult } = response.body;
          singleResult.errors = singleResult.errors!.map((error) =>
            error.extensions?.code === 'INTERNAL_SERVER_ERROR' && error.message === UNEXPECTED.fr ? { ...error, message: UNEXPECTED[contextValue.locale] } : error,
          );
        },
      };
    },
  };
}
