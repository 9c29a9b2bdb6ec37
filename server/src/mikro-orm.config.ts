// ORM options shared by the server, the admin command line and the MikroORM CLI
// (`npm run migration:create -w server`, `migration:check`), which reads this file directly.
import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

export function ormOptions(clientUrl: string): Options {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList,
      path: 'src/migrations',
      pathTs: 'src/migrations',
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: 10 },
    debug: false,
  });
}

export default ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/plex');
