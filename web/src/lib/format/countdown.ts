// How long a message stays downloadable: "6 jours et 23 heures", then "Expiré"
// ("6 days and 23 hours", "Expired" in English).
import { DEFAULT_LOCALE, type Locale } from '#lib/i18n/locale.ts';

export interface Countdown {
	expired: boolean;
	/** Less than 24 hours left: worth a warning. */
	soon: boolean;
	/** "6 jours et 23 heures", "5 heures et 12 minutes", "moins d'une minute"; "" once expired. */
	remaining: string;
	/** "Expire dans 6 jours et 23 heures" or "Expiré". */
	text: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Unit = 'day' | 'hour' | 'minute';

const WORDING: Record<
	Locale,
	{ units: Record<Unit, string>; and: string; lessThanAMinute: string; expired: string; expiresIn: (remaining: string) => string }
> = {
	fr: {
		units: { day: 'jour', hour: 'heure', minute: 'minute' },
		and: 'et',
		lessThanAMinute: "moins d'une minute",
		expired: 'Expiré',
		expiresIn: (remaining) => `Expire dans ${remaining}`
	},
	en: {
		units: { day: 'day', hour: 'hour', minute: 'minute' },
		and: 'and',
		lessThanAMinute: 'less than a minute',
		expired: 'Expired',
		expiresIn: (remaining) => `Expires in ${remaining}`
	}
};

export function countdown(expiresAt: string | Date, now: Date | number, locale: Locale = DEFAULT_LOCALE): Countdown {
	const wording = WORDING[locale];
	const plural = (count: number, unit: Unit) => `${count} ${wording.units[unit]}${count > 1 ? 's' : ''}`;
	const pair = (major: number, majorUnit: Unit, minor: number, minorUnit: Unit) =>
		minor > 0 ? `${plural(major, majorUnit)} ${wording.and} ${plural(minor, minorUnit)}` : plural(major, majorUnit);

	const end = (expiresAt instanceof Date ? expiresAt : new Date(expiresAt)).getTime();
	const left = end - (typeof now === 'number' ? now : now.getTime());
	if (!Number.isFinite(left) || left <= 0) {
		return { expired: true, soon: false, remaining: '', text: wording.expired };
	}
	let remaining: string;
	if (left >= DAY) {
		remaining = pair(Math.floor(left / DAY), 'day', Math.floor((left % DAY) / HOUR), 'hour');
	} else if (left >= HOUR) {
		remaining = pair(Math.floor(left / HOUR), 'hour', Math.floor((left % HOUR) / MINUTE), 'minute');
	} else if (left >= MINUTE) {
		remaining = plural(Math.floor(left / MINUTE), 'minute');
	} else {
		remaining = wording.lessThanAMinute;
	}
	return { expired: false, soon: left < DAY, remaining, text: wording.expiresIn(remaining) };
}

/** Milliseconds until the text may change (at most a minute), for a timer. */
export function nextTick(expiresAt: string | Date, now: Date | number): number {
	const end = (expiresAt instanceof Date ? expiresAt : new Date(expiresAt)).getTime();
	const left = end - (typeof now === 'number' ? now : now.getTime());
	if (left <= 0) return MINUTE;
	return Math.max(1_000, Math.min(MINUTE, left % MINUTE || MINUTE));
}
