// What global-setup.ts learnt about the PLEX server it started, shared with the tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SERVER_STATE_FILE = resolve(REPO_ROOT, 'test-results/e2e-server.json');

export interface DemoAccount {
	/** admin, agent, partner-lawyer... as printed by the server */
	label: string;
	email: string;
	password: string;
}

export interface ServerState {
	baseURL: string;
	accounts: DemoAccount[];
	dataDir: string;
	pid: number;
}

export function readServerState(): ServerState {
	return JSON.parse(readFileSync(SERVER_STATE_FILE, 'utf8')) as ServerState;
}

/** The demo account with this label, or the first whose label starts with it ("partner"). */
export function demoAccount(state: ServerState, label: string): DemoAccount {
	const account =
		state.accounts.find((a) => a.label === label) ?? state.accounts.find((a) => a.label.startsWith(label));
	if (!account) throw new Error(`no demo account "${label}" in the server's output`);
	return account;
}
