// Composition root: config -> database -> services -> HTTP + WebSocket -> listen. With no
// DATABASE_URL it runs the embedded PostgreSQL, with no SMTP_URL the embedded mail catcher, and
// on a first start with the embedded database it seeds demo accounts and prints them.
import 'reflect-metadata';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type RunningApp } from './app.js';
import { createServices } from './bootstrap.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Orm } from './infra/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './infra/embedded-postgres.js';
import { createLogger } from './infra/logger.js';
import { MailCatcher } from './infra/mail/catcher.js';
import { createSmtpMailer } from './infra/mail/mailer.js';
import { buildPlexSchema } from './graphql/schema.js';
import { seedDemoAccounts, type DemoAccount } from './seed.js';

const WEB_HANDLER = fileURLToPath(new URL('../../web/build/handler.js', import.meta.url));

function printWelcome(config: Config, demo: DemoAccount[] | null, catcher: boolean): void {
  const url = config.publicUrl.toString().replace(/\/$/, '');
  const lines = ['', `PLEX is running at ${url}`];
  if (catcher) lines.push(`Caught e-mails: ${url}/dev/mailbox`);
  if (demo) {
    lines.push('', 'Demo accounts (passwords are shown only on this first start):');
    for (const account of demo) lines.push(`  ${account.label}  ${account.email}  ${account.password}`);
  }
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel, config.production);

  let embedded: EmbeddedDatabase | undefined;
  let orm: Orm | undefined;
  let catcher: MailCatcher | undefined;
  let app: RunningApp | undefined;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      await app?.close();
      await services?.outbox.stop();
      services?.files.stopSweeping();
      await services?.lifecycle.stop();
      await services?.instance.release();
      await services?.live.stop();
      await orm?.close();
      await catcher?.close();
      if (embedded?.owned) await embedded.stop();
    } catch (error) {
      log.error({ err: error }, 'error while stopping');
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  let services: Awaited<ReturnType<typeof createServices>> | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, log.child({ module: 'embedded-postgres' }));
    databaseUrl = embedded.url;
  }
  orm = await openDatabase(databaseUrl);

  let smtpUrl = config.smtpUrl;
  if (!smtpUrl) {
    catcher = new MailCatcher(join(config.dataDir, 'mailbox'));
    await catcher.start();
    smtpUrl = catcher.url;
  }
  services = await createServices(config, orm, log, createSmtpMailer(smtpUrl, config.mailFrom), { mailCatcher: Boolean(catcher) });
  const demo = embedded ? await seedDemoAccounts(services) : null;

  app = await startApp(services, { schema: await buildPlexSchema(), catcher, webHandlerPath: WEB_HANDLER }, { port: config.port, host: config.host });
  services.outbox.start();
  services.files.startSweeping();
  services.lifecycle.start();
  log.info({ url: app.url }, 'listening');
  printWelcome(config, demo, Boolean(catcher));
}

main().catch((error: unknown) => {
  process.stderr.write(`PLEX could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
