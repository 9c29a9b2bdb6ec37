import { describe, expect, it } from 'vitest';
import { PREFERENCE_SWITCHES, savedAnnouncement } from './preferences.ts';

describe('preference switches', () => {
	it("are the guide's six, in its order", () => {
		expect(PREFERENCE_SWITCHES.map((entry) => entry.key)).toEqual([
			'expiryFirstWarning',
			'expirySecondWarning',
			'fileDownloaded',
			'messageReceived',
			'messageViewed',
			'messageDeleted'
		]);
	});

	it('announce what was saved', () => {
		expect(savedAnnouncement('Quand un message est vu', false)).toBe(
			'Enregistré. Notification désactivée : quand un message est vu.'
		);
	});
});
