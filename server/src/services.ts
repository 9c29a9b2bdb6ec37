// The long-lived parts of a running PLEX, built once by the composition root (main.ts / app.ts)
// and shared by HTTP requests, sockets, workers and the admin command line.
import type { AccountsService } from './accounts/accounts.service.js';
import type { AuditService } from './audit/audit.service.js';
import type { Config } from './config.js';
import type { DirectoryService } from './directory/directory.service.js';
import type { Clock } from './infra/clock.js';
import type { Orm } from './infra/database.js';
import type { Logger } from './infra/logger.js';
import type { DownloadsService } from './files/downloads.service.js';
import type { FilesService } from './files/files.service.js';
import type { UploadsService } from './files/uploads.service.js';
import type { InstanceLock } from './infra/instance.js';
import type { LiveEvents } from './infra/live-events.js';
import type { Lifecycle } from './messages/lifecycle.js';
import type { MessagesService } from './messages/messages.service.js';
import type { Outbox } from './notifications/outbox.js';
import type { PreferencesService } from './notifications/preferences.service.js';

export interface Services {
  config: Config;
  clock: Clock;
  log: Logger;
  orm: Orm;
  audit: AuditService;
  outbox: Outbox;
  accounts: AccountsService;
  directory: DirectoryService;
  instance: InstanceLock;
  files: FilesService;
  uploads: UploadsService;
  messages: MessagesService;
  downloads: DownloadsService;
  preferences: PreferencesService;
  lifecycle: Lifecycle;
  live: LiveEvents;
  /** True when the embedded mail catcher receives the mail (demo mode). */
  mailCatcher: boolean;
}
