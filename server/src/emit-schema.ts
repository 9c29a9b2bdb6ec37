// Writes schema.graphql at the repository root from the resolvers (`npm run generate`).
import 'reflect-metadata';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPlexSchema } from './graphql/schema.js';

export async function printPlexSchema(): Promise<string> {
  const schema = await buildPlexSchema();
  return `# Emitted by the PLEX server from its resolvers (npm run generate). Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
  writeFileSync(target, await printPlexSchema());
  console.log(`schema written to ${target}`);
}
