// Builds the services of a running PLEX from a configuration and an open database: used by
// main.ts, by the admin command line and by the tests (with their own clock and mailer).
import 'reflect-metadata';
import { AccountsService } from './accounts/accounts.service.js';
import { LoginThrottler } from './accounts/login-throttle.js';
import { AuditService } from './audit/audit.service.js';
import type { Config } from './config.js';
import { DirectoryService } from './directory/directory.service.js';
import { systemClock, type Clock } from './infra/clock.js';
import type { Orm } from './infra/database.js';
import type { Logger } from './infra/logger.js';
import type { Mailer } from './infra/mail/mailer.js';
import { Outbox, type OutboxOptions } from './notifications/outbox.js';
import type { Services } from './services.js';

export interface ServiceOptions {
  clock?: Clock;
  outbox?: OutboxOptions;
  mailCatcher?: boolean;
}

export function createServices(config: Config, orm: Orm, log: Logger, mailer: Mailer, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const audit = new AuditService(clock);
  const outbox = new Outbox(config.masterKey, orm.em.fork(), mailer, log.child({ module: 'outbox' }), options.outbox);
  const accounts = new AccountsService(config, clock, audit, outbox, new LoginThrottler(clock));
  const directory = new DirectoryService(clock, audit, accounts, outbox);
  return { config, clock, log, orm, audit, outbox, accounts, directory, mailCatcher: options.mailCatcher ?? false };
}
