import { describe, expect, it } from 'vitest';
import {
	combinedProgress,
	forgetResumableUploads,
	readAnswer,
	SendError,
	sendMessage,
	sendMessageBody,
	shouldRetryStatus,
	uploadFailureMessage,
	uploadIdOf
} from './upload.ts';

const message = { recipients: ['agent@justice.example'], subject: 'Pièces', comment: null, lifetimeDays: 7 };

describe('sendMessageBody', () => {
	it('names the finished uploads in a plain JSON GraphQL request', () => {
		const body = JSON.parse(sendMessageBody(message, ['u1', 'u2']));
		expect(body.operationName).toBe('SendMessage');
		expect(body.query).toContain('mutation SendMessage');
		expect(body.variables.input).toEqual({ ...message, uploads: ['u1', 'u2'] });
	});
});

describe('sendMessage', () => {
	it('posts JSON with the CSRF header and returns the new id', async () => {
		const calls: Array<[string, RequestInit]> = [];
		const fetcher = (async (url: string, init: RequestInit) => {
			calls.push([url, init]);
			return new Response('{"data":{"sendMessage":{"id":"m1"}}}', { status: 200 });
		}) as unknown as typeof fetch;
		await expect(sendMessage(message, ['u1'], fetcher)).resolves.toEqual({ id: 'm1' });
		const [url, init] = calls[0]!;
		expect(url).toBe('/graphql');
		expect(init.method).toBe('POST');
		expect(init.headers).toMatchObject({ 'content-type': 'application/json', 'apollo-require-preflight': 'true' });
	});

	it('fails with a network SendError when the request cannot be made', async () => {
		const fetcher = (async () => {
			throw new TypeError('Failed to fetch');
		}) as unknown as typeof fetch;
		await expect(sendMessage(message, ['u1'], fetcher)).rejects.toMatchObject({ kind: 'network' });
	});
});

describe('uploadIdOf', () => {
	it('is the last path segment of the upload URL', () => {
		expect(uploadIdOf('https://plex.example/uploads/0a1b2c')).toBe('0a1b2c');
		expect(uploadIdOf('/uploads/0a1b2c/')).toBe('0a1b2c');
	});
});

describe('shouldRetryStatus', () => {
	it('retries network failures and server errors, not refusals', () => {
		expect(shouldRetryStatus(0)).toBe(true);
		expect(shouldRetryStatus(502)).toBe(true);
		expect(shouldRetryStatus(409)).toBe(true);
		expect(shouldRetryStatus(404)).toBe(false);
		expect(shouldRetryStatus(413)).toBe(false);
		expect(shouldRetryStatus(429)).toBe(false);
	});
});

describe('uploadFailureMessage', () => {
	it("shows the server's reason for a refusal, never a page", () => {
		expect(uploadFailureMessage(429, 'Trop')).toBe("Trop d'envois en cours (10 au plus) : attendez la fin de l'un d'eux ou annulez-en un.");
		expect(uploadFailureMessage(404, 'Envoi introuvable.')).toMatch(/^Cet envoi n'existe plus/);
		expect(uploadFailureMessage(405, 'Méthode non prise en charge ici.')).toBe('Méthode non prise en charge ici.');
		expect(uploadFailureMessage(400, '<html>stack</html>')).toBe("L'envoi de ce fichier a échoué. Réessayez.");
		expect(uploadFailureMessage(413, '')).toContain('taille maximale');
	});

	it('says it in English', () => {
		expect(uploadFailureMessage(0, '', 'en')).toBe(
			'The connection to the server is lost: the upload will resume as soon as it is back.'
		);
		expect(uploadFailureMessage(413, '', 'en')).toBe('This file exceeds the maximum size PLEX accepts.');
		expect(uploadFailureMessage(401, '', 'en')).toMatch(/session has expired/);
		expect(uploadFailureMessage(400, '<html>stack</html>', 'en')).toBe('The upload of this file failed. Try again.');
		expect(uploadFailureMessage(429, "Trop d'envois en cours", 'en')).toBe(
			'Too many uploads in progress (10 at most): wait for one to finish or cancel one.'
		);
		expect(uploadFailureMessage(404, 'Envoi introuvable.', 'en')).toMatch(/^This upload no longer exists/);
	});
});

describe('combinedProgress', () => {
	it('adds the files up', () => {
		const state = (loaded: number, total: number, bytesPerSecond: number | null) => ({
			status: 'uploading' as const,
			progress: { loaded, total, fraction: loaded / total, bytesPerSecond, secondsLeft: null }
		});
		const progress = combinedProgress([state(50, 100, 10), state(0, 100, null)]);
		expect(progress).toMatchObject({ loaded: 50, total: 200, fraction: 0.25, bytesPerSecond: 10, secondsLeft: 15 });
	});
});

describe('readAnswer', () => {
	it('returns the new id', () => {
		expect(readAnswer(200, '{"data":{"sendMessage":{"id":"m1"}}}')).toEqual({ id: 'm1' });
	});

	it('keeps the code and extensions of a GraphQL error', () => {
		const outcome = readAnswer(
			200,
			JSON.stringify({
				data: null,
				errors: [{ message: 'Destinataire(s) inconnu(s)', extensions: { code: 'RECIPIENT_UNKNOWN', addresses: ['x@y.fr'] } }]
			})
		);
		expect(outcome).toBeInstanceOf(SendError);
		expect(outcome).toMatchObject({ kind: 'graphql', code: 'RECIPIENT_UNKNOWN', extensions: { addresses: ['x@y.fr'] } });
	});

	it('reads an HTTP failure without a GraphQL body', () => {
		expect(readAnswer(413, '<html>')).toMatchObject({ kind: 'http', code: 'PAYLOAD_TOO_LARGE', status: 413 });
		expect(readAnswer(502, '')).toMatchObject({ kind: 'http', code: undefined, status: 502 });
	});
});

describe('forgetResumableUploads', () => {
	it("removes the browser's resumable uploads and nothing else", () => {
		const entries = new Map<string, string>([
			['tus::tus-br-a.pdf-1::1', '{}'],
			['tus::tus-br-b.pdf-2::7', '{}'],
			['plex-other', 'kept']
		]);
		const storage = {} as Storage;
		// a Storage lists its keys as own properties
		for (const key of entries.keys()) Object.defineProperty(storage, key, { value: entries.get(key), enumerable: true, configurable: true });
		const removed: string[] = [];
		Object.defineProperty(storage, 'removeItem', { enumerable: false, value: (key: string) => {
			removed.push(key);
			entries.delete(key);
		} });
		forgetResumableUploads(storage);
		expect(removed.sort()).toEqual(['tus::tus-br-a.pdf-1::1', 'tus::tus-br-b.pdf-2::7']);
		expect([...entries.keys()]).toEqual(['plex-other']);
	});
});
