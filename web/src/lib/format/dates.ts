// Dates for people ("28 novembre 2026 à 12:41", in the browser's time zone) and for proofs
// ("28/11/2026 11:41:40 UTC", to the second, as the audit log records them).
// Server-side rendering uses Europe/Paris; the browser then shows its own zone.

const SERVER_TIME_ZONE = 'Europe/Paris';

function zone(): string | undefined {
	return typeof window === 'undefined' ? SERVER_TIME_ZONE : undefined;
}

function valid(value: string | Date): Date | null {
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

/** "28 novembre 2026 à 12:41". */
export function formatDateTime(value: string | Date): string {
	const date = valid(value);
	if (!date) return '—';
	const day = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: zone() }).format(date);
	const time = new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: zone() }).format(date);
	return `${day} à ${time}`;
}

/** "28/11/2026 12:41", for lists where space is short. */
export function formatShortDateTime(value: string | Date): string {
	const date = valid(value);
	if (!date) return '—';
	return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: zone() }).format(date);
}

/** "28/11/2026 11:41:40 UTC": the proof's wording, independent of where it is read. */
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
