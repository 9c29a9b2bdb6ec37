// The six notification switches of the guide (part 4, "Personnaliser les notifications"),
// in its order and with its French labels. They govern e-mails only.
import type { PreferenceSwitchesFragment } from '#lib/graphql/generated/graphql.ts';

export type PreferenceKey = keyof PreferenceSwitchesFragment;

export const PREFERENCE_SWITCHES: readonly { key: PreferenceKey; label: string }[] = [
	{ key: 'expiryFirstWarning', label: "Quand un message est sur le point d'expirer (premier avertissement)" },
	{ key: 'expirySecondWarning', label: "Quand un message est sur le point d'expirer (second avertissement)" },
	{ key: 'fileDownloaded', label: 'Quand un destinataire télécharge un fichier' },
	{ key: 'messageReceived', label: 'Quand je reçois un nouveau message' },
	{ key: 'messageViewed', label: 'Quand un message est vu' },
	{ key: 'messageDeleted', label: 'Quand un message est supprimé' }
];

/** "Notification activée : Quand un message est vu." */
export function savedAnnouncement(label: string, on: boolean): string {
	return `Enregistré. Notification ${on ? 'activée' : 'désactivée'} : ${label.charAt(0).toLowerCase()}${label.slice(1)}.`;
}
