import { describe, expect, it } from 'vitest';
import { loginPath, safeRedirectTarget } from './redirect-target.ts';

describe('safeRedirectTarget', () => {
	it('keeps a path of this site', () => {
		expect(safeRedirectTarget('/')).toBe('/');
		expect(safeRedirectTarget('/messages/42?tab=files#top')).toBe('/messages/42?tab=files#top');
	});

	it.each([
		null,
		'',
		'messages',
		'https://evil.example/',
		'//evil.example/',
		'/\\evil.example/',
		'/\t/evil.example/',
		'/\n/evil.example/',
		'javascript:alert(1)'
	])('refuses %j and goes home', (value) => {
		expect(safeRedirectTarget(value)).toBe('/');
	});
});

describe('loginPath', () => {
	it('brings the user back where they were', () => {
		expect(loginPath(new URL('http://plex.test/'))).toBe('/login?redirectTo=/');
		const path = loginPath(new URL('http://plex.test/messages/1?tab=a&b=c'));
		expect(new URL(path, 'http://plex.test').searchParams.get('redirectTo')).toBe('/messages/1?tab=a&b=c');
	});
});
