import { describe, expect, it } from 'vitest';
import { auditEventLabel } from './audit.ts';
import { downloadsByFile, fileCount, isUnreadBy } from './message-facts.ts';

describe('isUnreadBy', () => {
	const message = {
		recipients: [
			{ user: { id: 'a' }, viewedAt: null },
			{ user: { id: 'b' }, viewedAt: '2026-11-28T11:00:00Z' }
		]
	};

	it('is unread by a recipient who has not opened it', () => {
		expect(isUnreadBy(message, 'a')).toBe(true);
		expect(isUnreadBy(message, 'b')).toBe(false);
	});

	it('is never unread by someone who is not a recipient', () => {
		expect(isUnreadBy(message, 'sender')).toBe(false);
	});
});

describe('downloadsByFile', () => {
	it('keeps the first download of each file', () => {
		const byFile = downloadsByFile([
			{ file: { id: 'f1' }, at: '2026-11-28T12:00:00Z' },
			{ file: { id: 'f1' }, at: '2026-11-28T11:00:00Z' },
			{ file: { id: 'f2' }, at: '2026-11-28T13:00:00Z' }
		]);
		expect(Object.fromEntries(byFile)).toEqual({ f1: '2026-11-28T11:00:00Z', f2: '2026-11-28T13:00:00Z' });
	});
});

describe('labels', () => {
	it('counts files in French by default', () => {
		expect(fileCount(1)).toBe('1 fichier');
		expect(fileCount(2)).toBe('2 fichiers');
		expect(fileCount(2, 'fr')).toBe('2 fichiers');
	});

	it('counts files in English', () => {
		expect(fileCount(0, 'en')).toBe('0 files');
		expect(fileCount(1, 'en')).toBe('1 file');
		expect(fileCount(2, 'en')).toBe('2 files');
	});

	it('names audit events, and shows unknown ones as they are', () => {
		expect(auditEventLabel('file.downloaded')).toBe('Fichier téléchargé');
		expect(auditEventLabel('file.downloaded', 'fr')).toBe('Fichier téléchargé');
		expect(auditEventLabel('something.new')).toBe('something.new');
	});

	it('names audit events in English', () => {
		expect(auditEventLabel('file.downloaded', 'en')).toBe('File downloaded');
		expect(auditEventLabel('message.sent', 'en')).toBe('Message sent: documents made available');
		expect(auditEventLabel('something.new', 'en')).toBe('something.new');
	});
});
