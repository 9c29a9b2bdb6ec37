// The admin command line (`npm run admin -- <command>`):
//   create-user --email E --name N --role agent|partner|admin [--organization NAME]
//               [--organization-kind lawyer|judicial_expert|association|other] [--locale fr|en]
//   import-directory FILE.csv
//   verify-audit   re-computes the audit chain and names the first row changed, inserted or removed
// Both queue activation e-mails; they leave at once when SMTP_URL is set, otherwise the running
// server's outbox sends them (to its embedded mail catcher).
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServices } from '../bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { verifyChain } from '../audit/audit.service.js';
import { PlexError } from '../errors.js';
import { openDatabase } from '../infra/database.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { createLogger } from '../infra/logger.js';
import type { Mailer } from '../infra/mail/mailer.js';
import { createSmtpMailer } from '../infra/mail/mailer.js';
import type { Role } from '../accounts/user.entity.js';
import type { OrganizationKind } from '../directory/organization.entity.js';
import type { Services } from '../services.js';

const USAGE = `Usage:
  npm run admin -- create-user --email E --name N --role agent|partner|admin [--organization NAME] [--organization-kind lawyer|judicial_expert|association|other] [--locale fr|en]
  npm run admin -- import-directory FILE.csv
  npm run admin -- verify-audit`;

/** Mail waits in the outbox for the server when there is no relay to send it to from here. */
const outboxOnly: Mailer = {
  send: () => Promise.reject(new Error('no SMTP relay from the command line')),
  close: () => {},
};

async function createUser(services: Services, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      organization: { type: 'string' },
      'organization-kind': { type: 'string' },
      locale: { type: 'string' },
    },
    strict: true,
  });
  if (!values.email || !values.name || !values.role) {
    process.stderr.write(`--email, --name and --role are required.\n${USAGE}\n`);
    return 2;
  }
  const user = await services.directory.createUser(services.orm.em.fork(), null, {
    email: values.email,
    displayName: values.name,
    role: values.role.toUpperCase() as Role,
    organization: values.organization ?? null,
    organizationKind: (values['organization-kind']?.toUpperCase() ?? null) as OrganizationKind | null,
    locale: (values.locale ?? 'fr') as 'fr' | 'en',
  });
  process.stdout.write(`created ${user.email} (${user.role.toLowerCase()}), activation e-mail queued\n`);
  return 0;
}

async function importDirectory(services: Services, args: string[]): Promise<number> {
  const [file] = args;
  if (!file || args.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const report = await services.directory.importDirectory(services.orm.em.fork(), null, readFileSync(file, 'utf8'));
  for (const kind of ['created', 'updated', 'unchanged'] as const) {
    for (const entry of report[kind]) process.stdout.write(`line ${entry.line}: ${kind} ${entry.email}\n`);
  }
  for (const entry of report.rejected) process.stdout.write(`line ${entry.line}: rejected ${entry.email || '-'}: ${entry.reason}\n`);
  process.stdout.write(
    `created ${report.created.length}, updated ${report.updated.length}, unchanged ${report.unchanged.length}, rejected ${report.rejected.length}\n`,
  );
  return report.rejected.length ? 1 : 0;
}

async function verifyAudit(services: Services): Promise<number> {
  const result = await verifyChain(services.orm.em.fork());
  if (result.ok) {
    process.stdout.write(`audit log intact: ${result.checked} rows, chain verified\n`);
    return 0;
  }
  process.stdout.write(`audit log BROKEN after ${result.checked} good rows: ${result.problem!.message}\n`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const commands: Record<string, (services: Services, args: string[]) => Promise<number>> = {
    'create-user': createUser,
    'import-directory': importDirectory,
    'verify-audit': verifyAudit,
  };
  const run = command ? commands[command] : undefined;
  if (!run) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', config.production);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log);
  const orm = await openDatabase(config.databaseUrl ?? embedded!.url);
  const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : outboxOnly;
  const services = await createServices(config, orm, log, mailer);
  try {
    const code = await run(services, args);
    if (command !== 'verify-audit') {
      if (config.smtpUrl) await services.outbox.drain();
      else process.stdout.write('E-mails wait in the outbox: the server sends them when it runs.\n');
    }
    return code;
  } finally {
    mailer.close();
    await services.instance.release();
    await services.live.stop();
    await orm.close();
    if (embedded?.owned) await embedded.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof PlexError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof PlexError ? 1 : 3);
  },
);
