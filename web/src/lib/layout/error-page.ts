// What the error page says, in the user's language. `load` functions cannot know the page's
// language, so they raise errors with a `reason` (App.Error) that the page words; a `detail`
// sent by the PLEX server (e.g. a FORBIDDEN rule) is already in the user's language.
import { ERROR_WORDING } from '#lib/graphql/errors.ts';
import type { Locale, Translations } from '#lib/i18n/locale.ts';

export type ErrorReason = 'network' | 'generic' | 'adminOnly' | 'messageNotFound' | 'receiptNotFound';

interface ErrorPageWording {
	titles: { notFound: string; forbidden: string; server: string; other: string };
	explanations: { notFound: string; forbidden: string; server: string; other: string };
	reasons: Record<ErrorReason, string>;
	back: string;
}

export const ERROR_PAGE_WORDING: Translations<ErrorPageWording> = {
	fr: {
		titles: {
			notFound: 'Page introuvable',
			forbidden: 'Accès refusé',
			server: 'Le service a rencontré une erreur',
			other: 'Erreur'
		},
		explanations: {
			notFound: "L'adresse demandée ne correspond à aucune page de PLEX.",
			forbidden: "Vous n'avez pas accès à cette page.",
			server: 'Veuillez réessayer dans quelques instants.',
			other: "Cette page n'a pas pu être affichée."
		},
		reasons: {
			network: ERROR_WORDING.fr.network,
			generic: ERROR_WORDING.fr.generic,
			adminOnly: "L'administration de PLEX est réservée aux administrateurs.",
			messageNotFound: "Ce message n'existe pas, a été supprimé, ou ne vous est pas adressé.",
			receiptNotFound: "Aucun message ne correspond, ou vous n'en êtes ni l'expéditeur ni un destinataire."
		},
		back: 'Retour à la boîte de réception'
	},
	en: {
		titles: {
			notFound: 'Page not found',
			forbidden: 'Access denied',
			server: 'The service ran into an error',
			other: 'Error'
		},
		explanations: {
			notFound: 'The address you asked for is not a PLEX page.',
			forbidden: 'You do not have access to this page.',
			server: 'Please try again in a few moments.',
			other: 'This page could not be shown.'
		},
		reasons: {
			network: ERROR_WORDING.en.network,
			generic: ERROR_WORDING.en.generic,
			adminOnly: 'PLEX administration is for administrators only.',
			messageNotFound: 'This message does not exist, has been deleted, or is not addressed to you.',
			receiptNotFound: 'No message matches, or you are neither its sender nor one of its recipients.'
		},
		back: 'Back to the inbox'
	}
};

type StatusKind = keyof ErrorPageWording['titles'];

function statusKind(status: number): StatusKind {
	if (status === 404) return 'notFound';
	if (status === 403) return 'forbidden';
	if (status >= 500) return 'server';
	return 'other';
}

/** The title and explanation of the error page for `status` and the raised error. */
export function describeErrorPage(
	status: number,
	error: App.Error | null,
	locale: Locale
): { title: string; explanation: string; back: string } {
	const wording = ERROR_PAGE_WORDING[locale];
	const kind = statusKind(status);
	const explanation =
		error?.detail ?? (error?.reason ? wording.reasons[error.reason] : wording.explanations[kind]);
	return { title: wording.titles[kind], explanation, back: wording.back };
}
