import { describe, expect, it } from 'vitest';
import { countdown, nextTick } from './countdown.ts';

const now = new Date('2026-11-28T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('countdown', () => {
	it('gives days and hours while more than a day is left', () => {
		expect(countdown(later(7 * DAY), now).text).toBe('Expire dans 7 jours');
		expect(countdown(later(6 * DAY + 23 * HOUR + 59 * MIN), now).text).toBe('Expire dans 6 jours et 23 heures');
		expect(countdown(later(DAY + HOUR), now).remaining).toBe('1 jour et 1 heure');
	});

	it('gives hours and minutes on the last day, and warns', () => {
		const last = countdown(later(5 * HOUR + 12 * MIN + 30_000), now);
		expect(last).toEqual({ expired: false, soon: true, remaining: '5 heures et 12 minutes', text: 'Expire dans 5 heures et 12 minutes' });
		expect(countdown(later(2 * MIN), now).remaining).toBe('2 minutes');
		expect(countdown(later(59_000), now).remaining).toBe("moins d'une minute");
	});

	it('says expired from the expiry instant on', () => {
		expect(countdown(later(0), now)).toEqual({ expired: true, soon: false, remaining: '', text: 'Expiré' });
		expect(countdown(later(-DAY), now).expired).toBe(true);
		expect(countdown('pas une date', now).expired).toBe(true);
	});

	it('asks to be refreshed when the minute changes', () => {
		expect(nextTick(later(5 * MIN + 20_000), now)).toBe(20_000);
		expect(nextTick(later(5 * MIN), now)).toBe(MIN);
		expect(nextTick(later(500), now)).toBe(1_000);
	});
});

describe('countdown in English', () => {
	it('says the same in English', () => {
		expect(countdown(later(6 * DAY + 23 * HOUR + 59 * MIN), now, 'en').text).toBe('Expires in 6 days and 23 hours');
		expect(countdown(later(DAY + HOUR), now, 'en').remaining).toBe('1 day and 1 hour');
		expect(countdown(later(59_000), now, 'en').remaining).toBe('less than a minute');
		expect(countdown(later(0), now, 'en').text).toBe('Expired');
	});
});
