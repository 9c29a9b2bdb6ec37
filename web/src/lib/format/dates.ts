// Dates for people ("28 novembre 2026 à 12:41" / "28 November 2026 at 12:41", in the browser's
// time zone) and for proofs ("28/11/2026 11:41:40 UTC", to the second, as the audit log
// records them, the same in both languages).
// Server-side rendering uses Europe/Paris; the browser then shows its own zone.
import { DEFAULT_LOCALE, INTL_LOCALE, type Locale } from '#lib/i18n/locale.ts';

const SERVER_TIME_ZONE = 'Europe/Paris';

const AT: Record<Locale, string> = { fr: 'à', en: 'at' };

function zone(): string | undefined {
	return typeof window === 'undefined' ? SERVER_TIME_ZONE : undefined;
}

function valid(value: string | Date): Date | null {
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** "28 novembre 2026 à 12:41" / "28 November 2026 at 12:41". */
export function formatDateTime(value: string | Date, locale: Locale = DEFAULT_LOCALE): string {
	const date = valid(value);
	if (!date) return '—';
	const tag = INTL_LOCALE[locale];
	const day = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: zone() }).format(date);
	const time = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone: zone() }).format(date);
	return `${day} ${AT[locale]} ${time}`;
}

/** "28/11/2026 12:41", for lists where space is short. */
export function formatShortDateTime(value: string | Date, locale: Locale = DEFAULT_LOCALE): string {
	const date = valid(value);
	if (!date) return '—';
	return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'short', timeStyle: 'short', timeZone: zone() })
		.format(date)
		.replace(',', '');
}

/** "28/11/2026 11:41:40 UTC": the proof's wording, independent of where and by whom it is read. */
export function formatUtc(value: string | Date): string {
	const date = valid(value);
	if (!date) return '—';
	const text = new Intl.DateTimeFormat('fr-FR', {
		dateStyle: 'short',
		timeStyle: 'medium',
		timeZone: 'UTC'
	}).format(date);
	return `${text} UTC`;
}
