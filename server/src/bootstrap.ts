// Builds the services of a running PLEX from a configuration and an open database: used by
// main.ts, by the admin command line and by the tests (with their own clock and mailer).
import 'reflect-metadata';
import { join } from 'node:path';
import { AccountsService } from './accounts/accounts.service.js';
import { LoginThrottler } from './accounts/login-throttle.js';
import { AuditService } from './audit/audit.service.js';
import type { Config } from './config.js';
import { DirectoryService } from './directory/directory.service.js';
import { DownloadsService } from './files/downloads.service.js';
import { FilesService } from './files/files.service.js';
import { UploadsService } from './files/uploads.service.js';
import { systemClock, type Clock } from './infra/clock.js';
import type { Orm } from './infra/database.js';
import type { Logger } from './infra/logger.js';
import { InstanceLock } from './infra/instance.js';
import { LiveEvents } from './infra/live-events.js';
import type { Mailer } from './infra/mail/mailer.js';
import type { BlobStore } from './infra/storage/blob-store.js';
import { LocalBlobStore } from './infra/storage/local-blob-store.js';
import { Lifecycle } from './messages/lifecycle.js';
import { MessagesService } from './messages/messages.service.js';
import { PreferencesService } from './notifications/preferences.service.js';
import { Outbox, type OutboxOptions } from './notifications/outbox.js';
import type { Services } from './services.js';

export interface ServiceOptions {
  clock?: Clock;
  outbox?: OutboxOptions;
  mailCatcher?: boolean;
  store?: BlobStore;
}

export async function createServices(config: Config, orm: Orm, log: Logger, mailer: Mailer, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const audit = new AuditService(clock);
  const live = new LiveEvents(orm.config.get('clientUrl')!, log.child({ module: 'live' }));
  await live.start();
  const outbox = new Outbox(config.masterKey, orm.em.fork(), mailer, log.child({ module: 'outbox' }), options.outbox);
  const accounts = new AccountsService(config, clock, audit, outbox, new LoginThrottler(clock), live);
  const directory = new DirectoryService(clock, audit, accounts, outbox, live);
  const instance = new InstanceLock(orm.config.get('clientUrl')!);
  await instance.acquire();
  const store = options.store ?? new LocalBlobStore(join(config.dataDir, 'files'));
  const files = new FilesService(config.masterKey, store, instance, orm.em.fork(), clock, log.child({ module: 'files' }));
  const uploads = new UploadsService(config, clock, orm.em.fork(), store, log.child({ module: 'uploads' }));
  files.alsoSweep(() => uploads.sweep());
  const preferences = new PreferencesService();
  const messages = new MessagesService(config, clock, audit, outbox, files, preferences, live, uploads);
  const downloads = new DownloadsService(config, clock, audit, files, messages, orm.em.fork(), log.child({ module: 'downloads' }));
  const lifecycle = new Lifecycle(config, clock, orm.em.fork(), audit, outbox, files, messages, preferences, live, log.child({ module: 'lifecycle' }));
  return { config, clock, log, orm, audit, outbox, accounts, directory, instance, files, uploads, messages, downloads, preferences, lifecycle, live, mailCatcher: options.mailCatcher ?? false };
}
