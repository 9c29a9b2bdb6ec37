// The way a newcomer runs PLEX: the compiled server under plain node, with the embedded
// PostgreSQL and mail catcher, demo accounts printed on the first start, a clean stop on SIGTERM,
// and data kept for the next start.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { freePort } from '../support/server.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'plex-smoke-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function boot(port: number, dir = dataDir): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('PLEX is running at')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, exited };
}

describe('compiled server', () => {
  it('builds, boots under node with the embedded database, seeds and prints demo accounts, stops cleanly, keeps its data', async () => {
    await run('npm', ['run', 'build', '-w', 'server'], { cwd: root });
    expect(existsSync(join(root, 'server/dist/main.js'))).toBe(true);

    const port = await freePort();
    const first = await boot(port);
    expect(first.output()).toContain(`PLEX is running at http://localhost:${port}`);
    expect(first.output()).toContain(`Caught e-mails: http://localhost:${port}/dev/mailbox`);
    const accounts = [...first.output().matchAll(/^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map((m) => ({ label: m[1], email: m[2], password: m[3] }));
    expect(accounts.map((a) => a.label)).toEqual(['admin', 'agent', 'partner-lawyer', 'partner-expert']);

    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const client = new ApiClient(base);
    const agent = accounts.find((a) => a.label === 'agent')!;
    await client.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: agent.email, p: agent.password });
    expect((await client.gql(`{ me { email role } features { mailCatcher } }`))).toEqual({ me: { email: agent.email, role: 'AGENT' }, features: { mailCatcher: true } });
    await client.gql(`mutation ($e: String!) { requestPasswordReset(email: $e) }`, { e: agent.email });
    let mailbox: { to: string[]; subject: string }[] = [];
    for (let i = 0; i < 50 && mailbox.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      mailbox = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as typeof mailbox;
    }
    expect(mailbox[0]).toMatchObject({ to: [agent.email], subject: 'Réinitialisation de votre mot de passe PLEX' });
    expect(await (await fetch(`${base}/dev/mailbox`)).text()).toContain('Réinitialisation de votre mot de passe PLEX');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await boot(port);
    expect(second.output()).not.toContain('Demo accounts');
    const again = new ApiClient(base);
    await again.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: agent.email, p: agent.password });
    expect(((await (await fetch(`${base}/dev/mailbox.json`)).json()) as unknown[]).length).toBe(1);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 180_000);

  it('a server killed during an upload leaves nothing visible, and its bytes are swept at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plex-kill-'));
    try {
      const port = await freePort();
      const first = await boot(port, dir);
      const accounts = Object.fromEntries([...first.output().matchAll(/^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]));
      const base = `http://127.0.0.1:${port}`;
      const client = new ApiClient(base);
      await client.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: accounts.agent.email, p: accounts.agent.password });

      const boundary = 'plexkill';
      const operations = JSON.stringify({ query: 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }', variables: { input: { recipients: [accounts['partner-lawyer'].email], subject: 'coupé', lifetimeDays: 1, files: [null] } } });
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.files.0"]}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="gros.bin"\r\n\r\n`,
      );
      const { request } = await import('node:http');
      const req = request(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 64 * 1024 * 1024), 'apollo-require-preflight': 'true', cookie: client.cookieHeader()! },
      });
      req.on('error', () => {});
      req.write(head);
      const chunk = Buffer.alloc(1024 * 1024, 7);
      for (let i = 0; i < 16; i++) await new Promise((r) => req.write(chunk, r));
      const tmp = join(dir, 'files', 'tmp');
      for (let i = 0; i < 50 && !(existsSync(tmp) && readdirSync(tmp).length); i++) await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(tmp)).toHaveLength(1); // an encrypted put in progress
      first.child.kill('SIGKILL');
      await first.exited;
      req.destroy();

      const second = await boot(port, dir);
      const again = new ApiClient(base);
      await again.gql(`mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: accounts['partner-lawyer'].email, p: accounts['partner-lawyer'].password });
      expect((await again.gql('{ inbox { items { id } } }')).inbox.items).toEqual([]);
      for (let i = 0; i < 50 && readdirSync(tmp).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(tmp)).toEqual([]);
      const blobs = join(dir, 'files', 'blobs');
      expect(existsSync(blobs) ? readdirSync(blobs, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : []).toEqual([]);
      const mails = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as unknown[];
      expect(mails).toEqual([]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to start on a bad variable, naming it', async () => {
    const result = await run(process.execPath, ['server/dist/main.js'], { cwd: root, env: { PATH: process.env.PATH, PORT: 'eighty', DATA_DIR: dataDir } }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toContain('Invalid configuration: PORT must be a whole number');
  });
});
