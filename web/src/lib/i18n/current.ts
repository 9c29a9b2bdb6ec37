// The language of the page being shown, for components and browser event handlers: the root
// layout's `locale` (see routes/+layout.server.ts). Plain modules take the locale as an
// argument instead, so they can be tested without a page.
import { page } from '$app/state';
import { DEFAULT_LOCALE, isLocale, type Locale, type Translations } from './locale.ts';

export function currentLocale(): Locale {
	const locale: unknown = page.data?.locale;
	return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** The wording of `table` in the current language; use inside `$derived` to follow a switch. */
export function localized<T>(table: Translations<T>): T {
	return table[currentLocale()];
}
