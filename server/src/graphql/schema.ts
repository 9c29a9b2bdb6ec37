// Builds the executable schema from the resolvers. Dates are the `DateTime` scalar and sizes
// `SafeInt` (53-bit), as the contract names them.
import { GraphQLDateTime, GraphQLSafeInt } from 'graphql-scalars';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountsResolver } from '../accounts/accounts.resolver.js';
import { DirectoryResolver } from '../directory/directory.resolver.js';

export { GraphQLSafeInt };

export function buildPlexSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [AccountsResolver, DirectoryResolver],
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: false,
    emitSchemaFile: false,
  });
}
