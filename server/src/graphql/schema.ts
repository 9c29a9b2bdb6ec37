// Builds the executable schema from the resolvers. Dates are the `DateTime` scalar and sizes
// `SafeInt` (53-bit), as the contract names them.
import { GraphQLDateTime } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountsResolver } from '../accounts/accounts.resolver.js';
import { DirectoryResolver } from '../directory/directory.resolver.js';
import { LiveResolver } from '../messages/live.resolver.js';
import { MessagesResolver, RecipientResolver } from '../messages/messages.resolver.js';
import { PreferencesResolver } from '../notifications/preferences.resolver.js';
import { AuditResolver } from '../audit/audit.resolver.js';

export function buildPlexSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccountsResolver, DirectoryResolver, MessagesResolver, RecipientResolver, PreferencesResolver, AuditResolver, LiveResolver],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
    // Every subscription subscribes through LiveEvents itself (`subscribe` option); TypeGraphQL
    // still wants a pub/sub object, which must never be used.
    pubSub: {
      publish: () => {
        throw new Error('publish through LiveEvents');
      },
      subscribe: () => {
        throw new Error('subscribe through LiveEvents');
      },
    },
    emitSchemaFile: false,
  });
}
