import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'plex-config-'));
const KEY = 'ab'.repeat(32);

describe('configuration', () => {
  it('has development defaults and generates a demo master key kept in DATA_DIR', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', production: false, secureCookies: false, maxMessageBytes: 2 ** 31, expirySweepSeconds: 60, auditRetentionDays: 365 });
    expect(config.publicUrl.toString()).toBe('http://localhost:3000/');
    expect(config.masterKey).toHaveLength(32);
    expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toBe(config.masterKey.toString('hex'));
    expect(loadConfig({ DATA_DIR: dir }).masterKey.equals(config.masterKey)).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://plex.example'],
    ['PUBLIC_URL', 'https://plex.example/app'],
    ['DATABASE_URL', 'mysql://x'],
    ['SMTP_URL', 'http://relay'],
    ['MASTER_KEY', 'short'],
    ['MAX_MESSAGE_BYTES', '0'],
    ['MAX_MESSAGE_BYTES', '-5'],
    ['EXPIRY_SWEEP_SECONDS', '1.5'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['MAIL_FROM', 'PLEX <a@b.example>\r\nBcc: x@y'],
    ['NODE_ENV', 'staging'],
  ])('stops on %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('requires MASTER_KEY, DATABASE_URL, SMTP_URL and an https PUBLIC_URL in production', () => {
    const complete = { NODE_ENV: 'production', MASTER_KEY: KEY, DATABASE_URL: 'postgresql://db/plex', SMTP_URL: 'smtp://relay:25', PUBLIC_URL: 'https://plex.example' };
    const config = loadConfig(complete);
    expect(config).toMatchObject({ production: true, secureCookies: true });
    for (const name of ['MASTER_KEY', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL']) {
      expect(() => loadConfig({ ...complete, [name]: undefined })).toThrow(`Invalid configuration: ${name} is required when NODE_ENV=production`);
    }
    expect(() => loadConfig({ ...complete, PUBLIC_URL: 'http://plex.example' })).toThrow('Invalid configuration: PUBLIC_URL must be https');
  });

  it('accepts a master key as hex or base64', () => {
    const fromHex = loadConfig({ DATA_DIR: dataDir(), MASTER_KEY: KEY }).masterKey;
    const fromBase64 = loadConfig({ DATA_DIR: dataDir(), MASTER_KEY: fromHex.toString('base64') }).masterKey;
    expect(fromBase64.equals(fromHex)).toBe(true);
  });
});
