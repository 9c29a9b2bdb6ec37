// Annex 1 of the guide ("Assistance technique"): whom a partner asks for help, by kind of
// organization. The server sends each organization's contact; this is the annex as written
// (the guide's French, and a faithful English version), to show everyone where to turn.
import type { OrganizationKind } from '#lib/graphql/generated/graphql.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export interface SupportEntry {
	kind: OrganizationKind;
	/** "Vous êtes avocat ?" */
	audience: string;
	/** For anything other than a lost PLEX password. */
	otherProblems: string;
	/** An e-mail address when the annex gives one. */
	contact: string | null;
}

/** Each kind of organization in each language: `ORGANIZATION_KIND_LABELS[locale][kind]`. */
export const ORGANIZATION_KIND_LABELS: Translations<Record<OrganizationKind, string>> = {
	fr: {
		LAWYER: 'Avocat',
		JUDICIAL_EXPERT: 'Expert de justice',
		ASSOCIATION: 'Association Citoyens & Justice',
		OTHER: 'Autre partenaire'
	},
	en: {
		LAWYER: 'Lawyer',
		JUDICIAL_EXPERT: 'Judicial expert',
		ASSOCIATION: 'Citoyens & Justice association',
		OTHER: 'Other partner'
	}
};

/** The name of a kind of organization in `locale`; an unknown kind as the server names it. */
export function organizationKindLabel(kind: OrganizationKind, locale: Locale = DEFAULT_LOCALE): string {
	return ORGANIZATION_KIND_LABELS[locale][kind] ?? kind;
}

/** Annex 1 in each language: `ANNEX_1[locale]`. The addresses are the same in both. */
export const ANNEX_1: Translations<readonly SupportEntry[]> = {
	fr: [
		{
			kind: 'LAWYER',
			audience: 'Vous êtes avocat ?',
			otherProblems:
				'Pour tout autre problème (perte identifiant ou mot de passe RPVA, etc.), rapprochez-vous de votre support.',
			contact: null
		},
		{
			kind: 'JUDICIAL_EXPERT',
			audience: 'Vous êtes un expert de justice ?',
			otherProblems: "Pour tout autre problème, rapprochez-vous de votre support à l'adresse suivante :",
			contact: 'support-plex@cnej.org'
		},
		{
			kind: 'ASSOCIATION',
			audience: 'Vous appartenez à une association Citoyens & Justice ?',
			otherProblems: "Pour tout autre problème, rapprochez-vous de votre support à l'adresse suivante :",
			contact: 'support.plex@citoyens-justice.fr'
		}
	],
	en: [
		{
			kind: 'LAWYER',
			audience: 'Are you a lawyer?',
			otherProblems:
				'For any other problem (lost RPVA username or password, etc.), please contact your support service.',
			contact: null
		},
		{
			kind: 'JUDICIAL_EXPERT',
			audience: 'Are you a judicial expert?',
			otherProblems: 'For any other problem, please contact your support service at the following address:',
			contact: 'support-plex@cnej.org'
		},
		{
			kind: 'ASSOCIATION',
			audience: 'Do you belong to a Citoyens & Justice association?',
			otherProblems: 'For any other problem, please contact your support service at the following address:',
			contact: 'support.plex@citoyens-justice.fr'
		}
	]
};

/** Annex 1 in `locale`. */
export function supportAnnex(locale: Locale = DEFAULT_LOCALE): readonly SupportEntry[] {
	return ANNEX_1[locale];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The contact as a mailto: address when it is one. */
export function contactAddress(contact: string | null | undefined): string | null {
	const value = contact?.trim();
	return value && EMAIL.test(value) ? value : null;
}
