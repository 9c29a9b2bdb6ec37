// Builds the executable schema from the resolvers. Dates are the `DateTime` scalar and sizes
// `SafeInt` (53-bit), as the contract names them.
import { GraphQLDateTime } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountsResolver } from '../accounts/accounts.resolver.js';
import { DirectoryResolver } from '../directory/directory.resolver.js';
import { MessagesResolver, RecipientResolver } from '../messages/messages.resolver.js';
import { PreferencesResolver } from '../notifications/preferences.resolver.js';
import { AuditResolver } from '../audit/audit.resolver.js';

export function buildPlexSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccountsResolver, DirectoryResolver, MessagesResolver, RecipientResolver, PreferencesResolver, AuditResolver],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
    emitSchemaFile: false,
  });
}
