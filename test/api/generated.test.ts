// Generated files are committed and must match what the code generates: schema.graphql, the
// migrations, the web client's codegen; the emitted schema must hold the public contract.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildSchema, findBreakingChanges } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printPlexSchema } from '../../server/src/emit-schema.js';
import { openDatabase } from '../../server/src/infra/database.js';
import { createTestDatabase } from '../support/server.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const committedSchema = readFileSync(new URL('schema.graphql', root), 'utf8');

describe('generated files', () => {
  it('schema.graphql is what the resolvers emit (npm run generate)', async () => {
    expect(committedSchema).toBe(await printPlexSchema());
  });

  it('the migrations produce exactly the schema the entities describe', async () => {
    const database = await createTestDatabase();
    const orm = await openDatabase(database.url);
    try {
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
      expect(await orm.migrator.getPending()).toEqual([]);
    } finally {
      await orm.close();
      await database.drop();
    }
  });

  it('the web client code is what codegen generates from schema.graphql and the documents', async () => {
    await run('npx', ['graphql-codegen', '--config', 'codegen.ts', '--check'], { cwd: new URL('.', root).pathname });
  }, 120_000);

  it('schema.graphql holds the public contract', () => {
    const contract = buildSchema(readFileSync(new URL('../shared/contract.graphql', root), 'utf8'));
    const schema = buildSchema(committedSchema);
    expect(findBreakingChanges(contract, schema).map((change) => change.description)).toEqual([]);
  });
});

describe('runtime', () => {
  it('runs on Node 24 (the pinned `node` package), not the system Node', () => {
    expect(process.versions.node).toMatch(/^24\./);
  });
});
