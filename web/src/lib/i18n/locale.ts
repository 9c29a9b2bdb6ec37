// The two languages of PLEX (French first, English second) and how a request picks one:
// the signed-in user's saved language, else the `plex-lang` cookie set by the language
// switch, else French. The PLEX server applies the same rule to its error messages.

export type Locale = 'fr' | 'en';

export const LOCALES: readonly Locale[] = ['fr', 'en'];
export const DEFAULT_LOCALE: Locale = 'fr';

/** Set by the server's `setLocale` mutation; read by the server and by the app's hooks. */
export const LOCALE_COOKIE = 'plex-lang';

/** The tag for `Intl` formats and for `<html lang>`. */
export const INTL_LOCALE: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

/** Each language named in itself, for the switch ("English" is offered to French readers). */
export const LANGUAGE_NAMES: Record<Locale, string> = { fr: 'Français', en: 'English' };

export function isLocale(value: unknown): value is Locale {
	return value === 'fr' || value === 'en';
}

/** The viewer's language, else the cookie's, else French. */
export function chooseLocale(viewerLocale: string | null | undefined, cookie: string | null | undefined): Locale {
	if (isLocale(viewerLocale)) return viewerLocale;
	if (isLocale(cookie)) return cookie;
	return DEFAULT_LOCALE;
}

/** A text in both languages: the shape every wording table of the app has. */
export type Translations<T> = Record<Locale, T>;
