// Committed migrations, listed explicitly (folder discovery uses a native import() that the test
// runner does not transform). Create new ones with `npm run migration:create -w server`, then add
// them here.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128110050 } from './Migration20261128110050.js';
import { Migration20261128112536 } from './Migration20261128112536.js';
import { Migration20261128120027 } from './Migration20261128120027.js';
import { Migration20261128145207 } from './Migration20261128145207.js';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261128110050', class: Migration20261128110050 },
  { name: 'Migration20261128112536', class: Migration20261128112536 },
  { name: 'Migration20261128120027', class: Migration20261128120027 },
  { name: 'Migration20261128145207', class: Migration20261128145207 },
];
