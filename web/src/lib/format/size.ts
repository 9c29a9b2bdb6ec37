// Sizes, speeds and durations ("1,5 Mo", "2 Go", "850 Ko/s", "2 min 5 s"; in English
// "1.5 MB", "2 GB"). Binary multiples with the unit names users know (the guide's "2 Go" is
// 2 GiB).
import { DEFAULT_LOCALE, INTL_LOCALE, type Locale } from '#lib/i18n/locale.ts';

const NBSP = '\u00a0';

const WORDING: Record<
	Locale,
	{ units: readonly string[]; byte: string; bytes: string; lessThanASecond: string }
> = {
	fr: { units: ['Ko', 'Mo', 'Go', 'To'], byte: 'octet', bytes: 'octets', lessThanASecond: "moins d'une seconde" },
	en: { units: ['KB', 'MB', 'GB', 'TB'], byte: 'byte', bytes: 'bytes', lessThanASecond: 'less than a second' }
};

function decimal(value: number, fractionDigits: number, locale: Locale): string {
	return new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: fractionDigits }).format(value);
}

/**
 * "0 octet", "512 octets", "1,5 Ko", "12 Mo", "2 Go": one decimal below 10, none above;
 * `precise` gives two decimals, to tell 2,05 Go from 2 Go.
 */
export function formatSize(
	bytes: number,
	{ precise = false, locale = DEFAULT_LOCALE }: { precise?: boolean; locale?: Locale } = {}
): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '—';
	const { units, byte, bytes: byteUnits } = WORDING[locale];
	if (bytes < 1024) {
		const whole = Math.round(bytes);
		const single = locale === 'fr' ? whole <= 1 : whole === 1;
		return `${decimal(whole, 0, locale)}${NBSP}${single ? byte : byteUnits}`;
	}
	let value = bytes / 1024;
	let unit = 0;
	while (unit < units.length - 1 && value >= 1024) {
		value /= 1024;
		unit += 1;
	}
	let digits = precise ? 2 : value < 10 ? 1 : 0;
	// 1023,96 Ko would round to "1 024 Ko": say "1 Mo" instead
	if (Number(value.toFixed(digits)) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
		digits = precise ? 2 : 1;
	}
	return `${decimal(value, digits, locale)}${NBSP}${units[unit]}`;
}

/** "2,4 Mo/s". */
export function formatSpeed(bytesPerSecond: number, locale: Locale = DEFAULT_LOCALE): string {
	return `${formatSize(bytesPerSecond, { locale })}/s`;
}

/** "moins d'une seconde", "8 s", "2 min 5 s", "1 h 3 min" (a remaining time, rounded up). */
export function formatDuration(seconds: number, locale: Locale = DEFAULT_LOCALE): string {
	if (!Number.isFinite(seconds) || seconds < 0) return '—';
	const total = Math.ceil(seconds);
	if (total < 1) return WORDING[locale].lessThanASecond;
	if (total < 60) return `${total}${NBSP}s`;
	if (total < 3600) {
		const minutes = Math.floor(total / 60);
		const rest = total % 60;
		return rest ? `${minutes}${NBSP}min${NBSP}${rest}${NBSP}s` : `${minutes}${NBSP}min`;
	}
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	return minutes ? `${hours}${NBSP}h${NBSP}${minutes}${NBSP}min` : `${hours}${NBSP}h`;
}
