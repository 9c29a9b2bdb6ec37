// The audit log's event types (server/src: `message.sent`, `file.downloaded`...) in French.

const EVENT_LABELS: Record<string, string> = {
	'message.sent': 'Message envoyé : documents mis à disposition',
	'message.notified': 'Destinataire notifié',
	'message.viewed': 'Message consulté',
	'file.downloaded': 'Fichier téléchargé',
	'message.warned': "Avertissement d'expiration envoyé",
	'message.deleted': 'Message supprimé',
	'message.expired': 'Message expiré',
	'message.purged': 'Fichiers effacés du stockage'
};

/** The French label of an event type; an unknown type is shown as the server names it. */
export function auditEventLabel(type: string): string {
	return EVENT_LABELS[type] ?? type;
}
