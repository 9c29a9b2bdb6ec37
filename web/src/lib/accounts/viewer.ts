// The signed-in user as the web app sees it, and how their role reads in the user's language.
import type { MeQuery, Role } from '#lib/graphql/generated/graphql.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export type Viewer = NonNullable<MeQuery['me']>;

export const ROLE_LABELS: Translations<Record<Role, string>> = {
	fr: {
		AGENT: 'Agent du ministère',
		PARTNER: 'Partenaire',
		ADMIN: 'Administrateur'
	},
	en: {
		AGENT: 'Ministry staff member',
		PARTNER: 'Partner',
		ADMIN: 'Administrator'
	}
};

export function roleLabel(role: Role, locale: Locale = DEFAULT_LOCALE): string {
	return ROLE_LABELS[locale][role] ?? role;
}
