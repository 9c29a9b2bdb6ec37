import { describe, expect, it } from 'vitest';
import { coalesce, deletedMessageNotice, messageIdOfPath, newMessageNotice } from './live-events.ts';

describe('newMessageNotice', () => {
	const message = { subject: 'Pièces', sender: { displayName: 'Bruno Greffier' } };

	it('names the sender and the subject, in French by default', () => {
		expect(newMessageNotice(message)).toBe('Nouveau message de Bruno Greffier : Pièces');
		expect(newMessageNotice(message, 'fr')).toBe('Nouveau message de Bruno Greffier : Pièces');
	});

	it('names the sender and the subject in English', () => {
		expect(newMessageNotice(message, 'en')).toBe('New message from Bruno Greffier: Pièces');
	});
});

describe('deletedMessageNotice', () => {
	it('names who deleted the message, in both languages', () => {
		const by = { displayName: 'Bruno Greffier' };
		expect(deletedMessageNotice(by)).toBe('Ce message a été supprimé par Bruno Greffier.');
		expect(deletedMessageNotice(by, 'en')).toBe('This message has been deleted by Bruno Greffier.');
	});
});

describe('messageIdOfPath', () => {
	it('reads the message pages and their receipt', () => {
		expect(messageIdOfPath('/messages/abc')).toBe('abc');
		expect(messageIdOfPath('/messages/abc/receipt')).toBe('abc');
		expect(messageIdOfPath('/sent')).toBeUndefined();
		expect(messageIdOfPath('/messages')).toBeUndefined();
	});
});

describe('coalesce', () => {
	it('runs once more after a burst, never twice at once', async () => {
		let runs = 0;
		let active = 0;
		let maxActive = 0;
		const release: Array<() => void> = [];
		const run = coalesce(async () => {
			runs += 1;
			active += 1;
			maxActive = Math.max(maxActive, active);
			await new Promise<void>((resolve) => release.push(resolve));
			active -= 1;
		});
		const first = run();
		void run();
		void run();
		expect(runs).toBe(1);
		release.shift()!();
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(runs).toBe(2);
		release.shift()!();
		await first;
		expect(runs).toBe(2);
		expect(maxActive).toBe(1);
	});

	it('keeps going after a failed run', async () => {
		let runs = 0;
		const run = coalesce(async () => {
			runs += 1;
			throw new Error('offline');
		});
		await run();
		await run();
		expect(runs).toBe(2);
	});
});
