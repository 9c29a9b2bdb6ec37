// Annex 1 of the guide ("Assistance technique"): whom a partner asks for help, by kind of
// organization. The server sends each organization's contact; this is the annex as written,
// to show everyone where to turn.
import type { OrganizationKind } from '#lib/graphql/generated/graphql.ts';

export interface SupportEntry {
	kind: OrganizationKind;
	/** "Vous êtes avocat ?" */
	audience: string;
	/** For anything other than a lost PLEX password. */
	otherProblems: string;
	/** An e-mail address when the annex gives one. */
	contact: string | null;
}

export const ORGANIZATION_KIND_LABELS: Record<OrganizationKind, string> = {
	LAWYER: 'Avocat',
	JUDICIAL_EXPERT: 'Expert de justice',
	ASSOCIATION: 'Association Citoyens & Justice',
	OTHER: 'Autre partenaire'
};

export const ANNEX_1: readonly SupportEntry[] = [
	{
		kind: 'LAWYER',
		audience: 'Vous êtes avocat ?',
		otherProblems: 'Pour tout autre problème (perte identifiant ou mot de passe RPVA, etc.), rapprochez-vous de votre support.',
		contact: null
	},
	{
		kind: 'JUDICIAL_EXPERT',
		audience: 'Vous êtes un expert de justice ?',
		otherProblems: 'Pour tout autre problème, rapprochez-vous de votre support à l\'adresse suivante :',
		contact: 'support-plex@cnej.org'
	},
	{
		kind: 'ASSOCIATION',
		audience: 'Vous appartenez à une association Citoyens & Justice ?',
		otherProblems: 'Pour tout autre problème, rapprochez-vous de votre support à l\'adresse suivante :',
		contact: 'support.plex@citoyens-justice.fr'
	}
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The contact as a mailto: address when it is one. */
export function contactAddress(contact: string | null | undefined): string | null {
	const value = contact?.trim();
	return value && EMAIL.test(value) ? value : null;
}
