// The long-lived parts of a running PLEX, built once by the composition root (main.ts / app.ts)
// and shared by HTTP requests, sockets, workers and the admin command line.
import type { AccountsService } from './accounts/accounts.service.js';
import type { AuditService } from './audit/audit.service.js';
import type { Config } from './config.js';
import type { DirectoryService } from './directory/directory.service.js';
import type { Clock } from './infra/clock.js';
import type { Orm } from './infra/database.js';
import type { Logger } from './infra/logger.js';
import type { Outbox } from './notifications/outbox.js';

export interface Services {
  config: Config;
  clock: Clock;
  log: Logger;
  orm: Orm;
  audit: AuditService;
  outbox: Outbox;
  accounts: AccountsService;
  directory: DirectoryService;
  /** True when the embedded mail catcher receives the mail (demo mode). */
  mailCatcher: boolean;
}
