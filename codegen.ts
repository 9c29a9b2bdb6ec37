// GraphQL Code Generator: schema.graphql (emitted by the server) + the web app's operations
// -> typed documents in web/src/lib/graphql/generated/ (committed).
// `npx graphql-codegen --config codegen.ts --check` fails when the committed output drifts.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
	schema: 'schema.graphql',
	documents: ['web/src/**/*.{ts,svelte,graphql}', '!web/src/lib/graphql/generated/**'],
	ignoreNoDocuments: false,
	generates: {
		'web/src/lib/graphql/generated/': {
			preset: 'client',
			presetConfig: {
				fragmentMasking: false
			},
			config: {
				useTypeImports: true,
				importExtension: '.ts',
				scalars: {
					DateTime: 'string',
					SafeInt: 'number',
					Upload: 'File'
				},
				defaultScalarType: 'unknown'
			}
		}
	}
};

export default config;
