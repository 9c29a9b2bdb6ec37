import { describe, expect, it } from 'vitest';
import { preferenceLabel, preferenceSwitches, savedAnnouncement } from './preferences.ts';

describe('preference switches', () => {
	it("are the guide's six, in its order", () => {
		expect(preferenceSwitches().map((entry) => entry.key)).toEqual([
			'expiryFirstWarning',
			'expirySecondWarning',
			'fileDownloaded',
			'messageReceived',
			'messageViewed',
			'messageDeleted'
		]);
		expect(preferenceSwitches('en').map((entry) => entry.key)).toEqual(preferenceSwitches('fr').map((entry) => entry.key));
	});

	it('are labelled in French by default, and in English', () => {
		expect(preferenceSwitches()[4]).toEqual({ key: 'messageViewed', label: 'Quand un message est vu' });
		expect(preferenceSwitches('en')[4]).toEqual({ key: 'messageViewed', label: 'When a message is viewed' });
		expect(preferenceLabel('fileDownloaded', 'en')).toBe('When a recipient downloads a file');
		for (const { label } of preferenceSwitches('en')) expect(label).not.toMatch(/[àâçéèêëîïôûùü]|Quand/);
	});

	it('announce what was saved', () => {
		expect(savedAnnouncement('Quand un message est vu', false)).toBe(
			'Enregistré. Notification désactivée : quand un message est vu.'
		);
		expect(savedAnnouncement('Quand je reçois un nouveau message', true, 'fr')).toBe(
			'Enregistré. Notification activée : quand je reçois un nouveau message.'
		);
	});

	it('announce what was saved, in English', () => {
		expect(savedAnnouncement('When a message is viewed', false, 'en')).toBe(
			'Saved. Notification turned off: when a message is viewed.'
		);
		expect(savedAnnouncement('When I receive a new message', true, 'en')).toBe(
			'Saved. Notification turned on: when I receive a new message.'
		);
	});
});
