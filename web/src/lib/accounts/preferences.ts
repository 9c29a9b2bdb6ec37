// The six notification switches of the guide (part 4, "Personnaliser les notifications"),
// in its order, with its French labels and their English version. They govern e-mails only.
import type { PreferenceSwitchesFragment } from '#lib/graphql/generated/graphql.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export type PreferenceKey = keyof PreferenceSwitchesFragment;

/** The guide's order. */
export const PREFERENCE_KEYS: readonly PreferenceKey[] = [
	'expiryFirstWarning',
	'expirySecondWarning',
	'fileDownloaded',
	'messageReceived',
	'messageViewed',
	'messageDeleted'
];

interface PreferenceWording {
	labels: Record<PreferenceKey, string>;
	/** "Enregistré. Notification désactivée : quand un message est vu." */
	saved: (on: boolean, label: string) => string;
}

const WORDING: Translations<PreferenceWording> = {
	fr: {
		labels: {
			expiryFirstWarning: "Quand un message est sur le point d'expirer (premier avertissement)",
			expirySecondWarning: "Quand un message est sur le point d'expirer (second avertissement)",
			fileDownloaded: 'Quand un destinataire télécharge un fichier',
			messageReceived: 'Quand je reçois un nouveau message',
			messageViewed: 'Quand un message est vu',
			messageDeleted: 'Quand un message est supprimé'
		},
		saved: (on, label) => `Enregistré. Notification ${on ? 'activée' : 'désactivée'} : ${label}.`
	},
	en: {
		labels: {
			expiryFirstWarning: 'When a message is about to expire (first warning)',
			expirySecondWarning: 'When a message is about to expire (second warning)',
			fileDownloaded: 'When a recipient downloads a file',
			messageReceived: 'When I receive a new message',
			messageViewed: 'When a message is viewed',
			messageDeleted: 'When a message is deleted'
		},
		saved: (on, label) => `Saved. Notification turned ${on ? 'on' : 'off'}: ${label}.`
	}
};

/** The six switches, in the guide's order, labelled in `locale`. */
export function preferenceSwitches(locale: Locale = DEFAULT_LOCALE): { key: PreferenceKey; label: string }[] {
	return PREFERENCE_KEYS.map((key) => ({ key, label: WORDING[locale].labels[key] }));
}

/** The label of one switch in `locale`. */
export function preferenceLabel(key: PreferenceKey, locale: Locale = DEFAULT_LOCALE): string {
	return WORDING[locale].labels[key];
}

/** "Enregistré. Notification activée : quand un message est vu." */
export function savedAnnouncement(label: string, on: boolean, locale: Locale = DEFAULT_LOCALE): string {
	return WORDING[locale].saved(on, `${label.charAt(0).toLowerCase()}${label.slice(1)}`);
}
