// How long a message stays downloadable: "6 jours et 23 heures", then "Expiré".

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

const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;

function pair(major: number, majorWord: string, minor: number, minorWord: string): string {
	return minor > 0 ? `${plural(major, majorWord)} et ${plural(minor, minorWord)}` : plural(major, majorWord);
}

export function countdown(expiresAt: string | Date, now: Date | number): Countdown {
	const end = (expiresAt instanceof Date ? expiresAt : new Date(expiresAt)).getTime();
	const left = end - (typeof now === 'number' ? now : now.getTime());
	if (!Number.isFinite(left) || left <= 0) {
		return { expired: true, soon: false, remaining: '', text: 'Expiré' };
	}
	let remaining: string;
	if (left >= DAY) {
		remaining = pair(Math.floor(left / DAY), 'jour', Math.floor((left % DAY) / HOUR), 'heure');
	} else if (left >= HOUR) {
		remaining = pair(Math.floor(left / HOUR), 'heure', Math.floor((left % HOUR) / MINUTE), 'minute');
	} else if (left >= MINUTE) {
		remaining = plural(Math.floor(left / MINUTE), 'minute');
	} else {
		remaining = "moins d'une minute";
	}
	return { expired: false, soon: left < DAY, remaining, text: `Expire dans ${remaining}` };
}

/** Milliseconds until the text may change (at most a minute), for a timer. */
export function nextTick(expiresAt: string | Date, now: Date | number): number {
	const end = (expiresAt instanceof Date ? expiresAt : new Date(expiresAt)).getTime();
	const left = end - (typeof now === 'number' ? now : now.getTime());
	if (left <= 0) return MINUTE;
	return Math.max(1_000, Math.min(MINUTE, left % MINUTE || MINUTE));
}
