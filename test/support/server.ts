// Starts a real PLEX server for a test file: its own PostgreSQL database with the migrations
// applied, an in-process SMTP sink, a movable clock, and real HTTP/WebSocket on a free port.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../../server/src/infra/free-port.js';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { startApp, type RunningApp } from '../../server/src/app.js';
import { createServices } from '../../server/src/bootstrap.js';
import { loadConfig } from '../../server/src/config.js';
import { buildPlexSchema } from '../../server/src/graphql/schema.js';
import type { Clock } from '../../server/src/infra/clock.js';
import { openDatabase } from '../../server/src/infra/database.js';
import { createLogger } from '../../server/src/infra/logger.js';
import { MailCatcher } from '../../server/src/infra/mail/catcher.js';
import { createSmtpMailer } from '../../server/src/infra/mail/mailer.js';
import type { BlobStore } from '../../server/src/infra/storage/blob-store.js';
import type { Services } from '../../server/src/services.js';
import { ApiClient } from './api-client.js';

export { freePort };

/** The real time plus an offset that tests move forward. */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}


/** Creates an empty database on the tests' PostgreSQL server; returns its URL and a dropper. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('postgresUrl');
  const name = `plex_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestServer {
  url: string;
  services: Services;
  mail: MailCatcher;
  clock: TestClock;
  databaseUrl: string;
  client(headers?: Record<string, string>): ApiClient;
  /** Stops the server but keeps its database, mail sink and DATA_DIR (for a restart on them with `peer` and `port`). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. a second instance on the same one). */
  databaseUrl?: string;
  mail?: MailCatcher;
  /** A blob store to use instead of the local directory under DATA_DIR (e.g. a test double that fails). */
  store?: BlobStore;
  /** A second instance of `peer`: same database, mail sink, master key and file storage. */
  peer?: TestServer;
  /** Listen on this port (e.g. the port of a stopped server, to restart it) instead of a free one. */
  port?: number;
  /** Cut uploads idle this long (the server's default is two minutes). */
  uploadIdleMs?: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  if (options.peer) {
    const { config } = options.peer.services;
    options = {
      ...options,
      databaseUrl: options.peer.databaseUrl,
      mail: options.peer.mail,
      env: { MASTER_KEY: config.masterKey.toString('hex'), DATA_DIR: config.dataDir, ...options.env },
    };
  }
  const database = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? database!.url;
  const mail = options.mail ?? new MailCatcher();
  const ownMail = !options.mail;
  if (ownMail) await mail.start();
  const port = options.port ?? (await freePort());
  const dataDir = options.peer ? undefined : mkdtempSync(join(tmpdir(), 'plex-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    SMTP_URL: mail.url,
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('hex'),
    ...options.env,
  });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', false);
  const orm = await openDatabase(databaseUrl);
  const clock = new TestClock();
  const services = await createServices(config, orm, log, createSmtpMailer(mail.url, config.mailFrom), {
    clock,
    outbox: { retryBaseMs: 100, maxRetryMs: 400, pollMs: 100 },
    store: options.store,
  });
  const app: RunningApp = await startApp(services, { schema: await buildPlexSchema(), uploadIdleMs: options.uploadIdleMs }, { port, host: '127.0.0.1' });
  services.outbox.start();
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await app.close();
      await new Promise<void>((resolve) => (app.server.listening ? app.server.close(() => resolve()) : resolve()));
      await services.outbox.stop();
      services.files.stopSweeping();
      await services.instance.release();
      await services.live.stop();
      await orm.close();
    })());
  return {
    url: app.url,
    services,
    mail,
    clock,
    databaseUrl,
    client: (headers = {}) => new ApiClient(app.url, headers),
    stop,
    async close() {
      await stop();
      if (ownMail) await mail.close();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
