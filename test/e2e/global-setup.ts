// Starts the real PLEX server for the browser tests, as `npm start` would on a fresh machine:
// no DATABASE_URL (embedded PostgreSQL), no SMTP_URL (embedded mail catcher, /dev/mailbox),
// a fresh DATA_DIR, so the demo accounts are seeded and printed on stdout.
// The tests read the address and the accounts from test-results/e2e-server.json.
// E2E_SERVER_ENTRY may name another entry point than server/dist/main.js.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { REPO_ROOT, SERVER_STATE_FILE, type DemoAccount, type ServerState } from './server-state.ts';

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

/** `  agent  agent@justice.example  Xk7-...` as printed by the server on its first start. */
const ACCOUNT_LINE = /^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function parseDemoAccounts(stdout: string): DemoAccount[] {
	return [...stdout.replace(ANSI, '').matchAll(ACCOUNT_LINE)].map(([, label, email, password]) => ({
		label: label!,
		email: email!,
		password: password!
	}));
}

async function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolvePort(port));
		});
	});
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function healthy(baseURL: string): Promise<boolean> {
	try {
		const response = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
		return response.status === 200;
	} catch {
		return false;
	}
}

async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	child.kill('SIGTERM');
	const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
	if (!stopped) {
		console.warn(`[e2e] the PLEX server did not stop within ${STOP_TIMEOUT_MS} ms: SIGKILL`);
		child.kill('SIGKILL');
		await exited;
	}
}

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
	const port = await freePort();
	const baseURL = `http://127.0.0.1:${port}`;
	const dataDir = await mkdtemp(join(tmpdir(), 'plex-e2e-'));
	// mkdtemp makes it 0700: when run as root, the embedded PostgreSQL runs as another OS
	// user that must be able to reach its folder inside
	await chmod(dataDir, 0o711);
	const resultsDir = resolve(REPO_ROOT, 'test-results');
	await mkdir(resultsDir, { recursive: true });

	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		PUBLIC_URL: baseURL,
		DATA_DIR: dataDir
	};
	// the embedded database and mail catcher, with development defaults
	delete env['DATABASE_URL'];
	delete env['SMTP_URL'];
	delete env['NODE_ENV'];

	const entry = resolve(REPO_ROOT, process.env['E2E_SERVER_ENTRY'] ?? 'server/dist/main.js');
	const node = resolve(REPO_ROOT, 'node_modules/.bin/node');
	const child = spawn(node, [entry], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });

	const log = createWriteStream(join(resultsDir, 'e2e-server.log'));
	let stdout = '';
	let stderr = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		log.write(chunk);
	});
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
		log.write(chunk);
	});
	let exit: string | undefined;
	child.once('exit', (code, signal) => {
		exit = `exited with ${signal ?? `code ${code}`}`;
	});

	const teardown = async () => {
		await stopServer(child);
		log.end();
		await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
	};

	try {
		const deadline = Date.now() + START_TIMEOUT_MS;
		let accounts: DemoAccount[] = [];
		for (;;) {
			if (exit) throw new Error(`the PLEX server ${exit} before it was ready`);
			if (Date.now() > deadline) throw new Error(`the PLEX server was not ready within ${START_TIMEOUT_MS} ms`);
			accounts = parseDemoAccounts(stdout);
			// the accounts are printed once the server listens: wait for both
			if (accounts.some((a) => a.label === 'agent') && accounts.some((a) => a.label.startsWith('partner')) && (await healthy(baseURL))) {
				break;
			}
			await sleep(250);
		}

		const state: ServerState = { baseURL, accounts, dataDir, pid: child.pid ?? -1 };
		await writeFile(SERVER_STATE_FILE, JSON.stringify(state, null, '\t'));
		process.env['PLEX_E2E_BASE_URL'] = baseURL;
		return teardown;
	} catch (error) {
		await teardown();
		const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
		throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- server output (last lines) ---\n${output}`);
	}
}
