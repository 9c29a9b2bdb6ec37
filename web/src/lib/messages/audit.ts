// The audit log's event types (server/src: `message.sent`, `file.downloaded`...) in the user's
// language.
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

const EVENT_LABELS: Translations<Record<string, string>> = {
	fr: {
		'message.sent': 'Message envoyé : documents mis à disposition',
		'message.notified': 'Destinataire notifié',
		'message.viewed': 'Message consulté',
		'file.downloaded': 'Fichier téléchargé',
		'message.warned': "Avertissement d'expiration envoyé",
		'message.deleted': 'Message supprimé',
		'message.expired': 'Message expiré',
		'message.purged': 'Fichiers effacés du stockage'
	},
	en: {
		'message.sent': 'Message sent: documents made available',
		'message.notified': 'Recipient notified',
		'message.viewed': 'Message viewed',
		'file.downloaded': 'File downloaded',
		'message.warned': 'Expiry warning sent',
		'message.deleted': 'Message deleted',
		'message.expired': 'Message expired',
		'message.purged': 'Files erased from storage'
	}
};

/** The label of an event type in `locale`; an unknown type is shown as the server names it. */
export function auditEventLabel(type: string, locale: Locale = DEFAULT_LOCALE): string {
	return EVENT_LABELS[locale][type] ?? type;
}
