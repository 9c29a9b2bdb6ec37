// Reads and validates the environment once. Every variable is documented here; a bad value
// stops start-up with a message naming the variable (DESIGN.md, "Contract").
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface Config {
  /** NODE_ENV: unset means development defaults; `production` tightens everything. */
  readonly production: boolean;
  /** PORT (3000) and HOST (127.0.0.1): where the one HTTP server listens. */
  readonly port: number;
  readonly host: string;
  /** PUBLIC_URL: the address users reach, used for every link in e-mails (never the request's Host). */
  readonly publicUrl: URL;
  /** True when PUBLIC_URL is https: cookies get Secure and the `__Host-` prefix, HSTS is sent. */
  readonly secureCookies: boolean;
  /** DATABASE_URL: PostgreSQL; unset runs an embedded PostgreSQL under DATA_DIR. */
  readonly databaseUrl: string | undefined;
  /** SMTP_URL: the relay (smtp:// or smtps://); unset runs the embedded mail catcher. */
  readonly smtpUrl: string | undefined;
  /** MAIL_FROM: the sender of every e-mail. */
  readonly mailFrom: string;
  /** DATA_DIR (./data): embedded database, stored files, generated demo key. */
  readonly dataDir: string;
  /** MASTER_KEY: 32 bytes as 64 hex digits or base64; wraps every file key. Generated into DATA_DIR in demo. */
  readonly masterKey: Buffer;
  /** MAX_MESSAGE_BYTES (2 GiB): total size of one message's files. */
  readonly maxMessageBytes: number;
  /** EXPIRY_SWEEP_SECONDS (60): how often expired files are purged. */
  readonly expirySweepSeconds: number;
  /** AUDIT_RETENTION_DAYS (365): how long metadata and the log of a message stay. */
  readonly auditRetentionDays: number;
  /** TRUST_PROXY: express "trust proxy" value (e.g. `loopback` or `10.0.0.1`); unset trusts no proxy. */
  readonly trustProxy: string | undefined;
  /** SESSION_IDLE_MINUTES (30) and SESSION_MAX_HOURS (12): session idle and absolute timeouts. */
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  /** LOG_LEVEL (info): pino level. */
  readonly logLevel: string;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${raw}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): URL | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return parsed;
}

function parseMasterKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(raw) && key.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, ''))) {
    throw new ConfigError('MASTER_KEY', 'must be 32 bytes written as 64 hex digits or base64');
  }
  return key;
}

/** The demo key lives in DATA_DIR so that files stored by an earlier run stay readable. */
function demoMasterKey(dataDir: string): Buffer {
  const path = resolve(dataDir, 'master.key');
  if (existsSync(path)) return parseMasterKey(readFileSync(path, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? '';
  if (!['', 'development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', 'must be development, test or production');
  }
  const production = nodeEnv === 'production';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? new URL(`http://localhost:${port}`);
  if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) {
    throw new ConfigError('PUBLIC_URL', 'must be an origin without path, query or fragment');
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'])?.toString();
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:'])?.toString();
  const mailFrom = env.MAIL_FROM || `PLEX <no-reply@${publicUrl.hostname}>`;
  if (/[\r\n]/.test(mailFrom) || !/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', 'must be one e-mail address');
  const dataDir = resolve(env.DATA_DIR || './data');

  if (production) {
    for (const name of ['MASTER_KEY', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL']) {
      if (!env[name]) throw new ConfigError(name, 'is required when NODE_ENV=production');
    }
    if (publicUrl.protocol !== 'https:') throw new ConfigError('PUBLIC_URL', 'must be https when NODE_ENV=production');
  }
  const masterKey = env.MASTER_KEY ? parseMasterKey(env.MASTER_KEY) : demoMasterKey(dataDir);

  return Object.freeze({
    production,
    port,
    host,
    publicUrl,
    secureCookies: publicUrl.protocol === 'https:',
    databaseUrl,
    smtpUrl,
    mailFrom,
    dataDir,
    masterKey,
    maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    expirySweepSeconds: integer(env, 'EXPIRY_SWEEP_SECONDS', 60, 1, 86_400),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500),
    trustProxy: env.TRUST_PROXY || undefined,
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
  });
}
