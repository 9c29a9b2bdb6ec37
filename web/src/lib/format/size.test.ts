import { describe, expect, it } from 'vitest';
import { formatDuration, formatSize, formatSpeed } from './size.ts';

// French typography: a no-break space between the number and its unit
const s = (text: string) => text.replaceAll(' ', '\u00a0');

describe('formatSize', () => {
	it('counts bytes in octets, singular up to one', () => {
		expect(formatSize(0)).toBe(s('0 octet'));
		expect(formatSize(1)).toBe(s('1 octet'));
		expect(formatSize(512)).toBe(s('512 octets'));
		expect(formatSize(1023)).toBe(s('1\u202f023 octets'));
	});

	it('uses binary multiples with a French decimal comma', () => {
		expect(formatSize(1024)).toBe(s('1 Ko'));
		expect(formatSize(1536)).toBe(s('1,5 Ko'));
		expect(formatSize(12 * 1024 * 1024 + 300_000)).toBe(s('12 Mo'));
		expect(formatSize(2_147_483_648)).toBe(s('2 Go'));
		expect(formatSize(1.25 * 1024 ** 4)).toBe(s('1,3 To'));
	});

	it('gives two decimals when asked to be precise', () => {
		expect(formatSize(2_200_000_000, { precise: true })).toBe(s('2,05 Go'));
		expect(formatSize(2_147_483_648, { precise: true })).toBe(s('2 Go'));
	});

	it('never shows 1 024 of a unit', () => {
		expect(formatSize(1024 * 1024 - 1)).toBe(s('1 Mo'));
	});

	it('refuses nonsense', () => {
		expect(formatSize(-1)).toBe('—');
		expect(formatSize(Number.NaN)).toBe('—');
	});
});

describe('formatSpeed and formatDuration', () => {
	it('formats a speed per second', () => {
		expect(formatSpeed(2.5 * 1024 * 1024)).toBe(s('2,5 Mo/s'));
	});

	it('rounds remaining times up', () => {
		expect(formatDuration(0.2)).toBe(s('1 s'));
		expect(formatDuration(0)).toBe("moins d'une seconde");
		expect(formatDuration(59.1)).toBe(s('1 min'));
		expect(formatDuration(42)).toBe(s('42 s'));
		expect(formatDuration(125)).toBe(s('2 min 5 s'));
		expect(formatDuration(120)).toBe(s('2 min'));
		expect(formatDuration(3 * 3600 + 180)).toBe(s('3 h 3 min'));
		expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
	});
});

describe('in English', () => {
	it('uses English units and a decimal point', () => {
		expect(formatSize(1, { locale: 'en' })).toBe(s('1 byte'));
		expect(formatSize(0, { locale: 'en' })).toBe(s('0 bytes'));
		expect(formatSize(1536, { locale: 'en' })).toBe(s('1.5 KB'));
		expect(formatSize(2_200_000_000, { precise: true, locale: 'en' })).toBe(s('2.05 GB'));
		expect(formatSpeed(2.5 * 1024 * 1024, 'en')).toBe(s('2.5 MB/s'));
		expect(formatDuration(0, 'en')).toBe('less than a second');
		expect(formatDuration(125, 'en')).toBe(s('2 min 5 s'));
	});
});
