// Checks a message being written (compose) before any byte is uploaded, field by field,
// with the same rules and wording as the server.
import {
	MAX_COMMENT_LENGTH,
	MAX_FILES,
	MAX_LIFETIME_DAYS,
	MAX_MESSAGE_BYTES,
	MAX_RECIPIENTS,
	MAX_SUBJECT_LENGTH,
	MIN_LIFETIME_DAYS
} from '#lib/messages/limits.ts';
import { formatSize } from '#lib/format/size.ts';
import { GENERIC_ERROR_MESSAGE, messageForGraphqlError, NETWORK_ERROR_MESSAGE } from '#lib/graphql/errors.ts';

export interface Draft {
	recipients: readonly { email: string }[];
	subject: string;
	comment: string;
	files: readonly { size: number }[];
	lifetimeDays: number;
}

export type DraftField = 'recipients' | 'subject' | 'comment' | 'files' | 'lifetimeDays';
export type DraftErrors = Partial<Record<DraftField, string>>;

export function totalSize(files: readonly { size: number }[]): number {
	return files.reduce((sum, file) => sum + file.size, 0);
}

export function draftErrors(draft: Draft, maxBytes = MAX_MESSAGE_BYTES): DraftErrors {
	const errors: DraftErrors = {};
	if (draft.recipients.length === 0) errors.recipients = 'Choisissez au moins un destinataire dans l\'annuaire.';
	else if (draft.recipients.length > MAX_RECIPIENTS) errors.recipients = `Indiquez au plus ${MAX_RECIPIENTS} destinataires.`;

	const subject = draft.subject.trim();
	if (!subject) errors.subject = "Renseignez l'objet du message.";
	else if (subject.length > MAX_SUBJECT_LENGTH) errors.subject = `L'objet ne peut dépasser ${MAX_SUBJECT_LENGTH} caractères.`;

	if (draft.comment.trim().length > MAX_COMMENT_LENGTH) {
		errors.comment = `Le commentaire ne peut dépasser ${MAX_COMMENT_LENGTH} caractères.`;
	}

	const total = totalSize(draft.files);
	if (draft.files.length === 0) errors.files = 'Ajoutez au moins un fichier.';
	else if (draft.files.length > MAX_FILES) errors.files = `Joignez au plus ${MAX_FILES} fichiers.`;
	else if (total > maxBytes) {
		errors.files = `Les fichiers font ${formatSize(total, { precise: true })} : le total ne peut dépasser ${formatSize(maxBytes)}.`;
	}

	if (!Number.isInteger(draft.lifetimeDays) || draft.lifetimeDays < MIN_LIFETIME_DAYS || draft.lifetimeDays > MAX_LIFETIME_DAYS) {
		errors.lifetimeDays = `Choisissez une durée de ${MIN_LIFETIME_DAYS} à ${MAX_LIFETIME_DAYS} jours.`;
	}
	return errors;
}

export interface SendFailure {
	/** The field the refusal is about, when there is one. */
	field?: DraftField;
	message: string;
	/** Addresses the server did not find in the directory. */
	refused?: string[];
}

const FIELDS: readonly DraftField[] = ['recipients', 'subject', 'comment', 'files', 'lifetimeDays'];

/** Where and how to show a refused send (see #lib/messages/upload.ts for the error's shape). */
export function sendFailure(error: { kind: string; code?: string; message: string; extensions: Record<string, unknown> }): SendFailure {
	if (error.kind === 'aborted') return { message: "Envoi annulé : aucun message n'a été envoyé." };
	if (error.kind === 'network') return { message: NETWORK_ERROR_MESSAGE };
	// a file's upload failed for good: its message is already in the user's words
	if (error.kind === 'upload') return { field: 'files', message: error.message };
	// only a GraphQL error carries a message written for the user
	const message =
		error.kind === 'graphql'
			? messageForGraphqlError({ message: error.message, extensions: { ...error.extensions, code: error.code } })
			: GENERIC_ERROR_MESSAGE;
	switch (error.code) {
		case 'RECIPIENT_UNKNOWN': {
			const addresses = error.extensions['addresses'];
			return {
				field: 'recipients',
				message,
				refused: Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === 'string') : []
			};
		}
		case 'FORBIDDEN':
			return { field: 'recipients', message };
		case 'PAYLOAD_TOO_LARGE':
			return {
				field: 'files',
				message: message === GENERIC_ERROR_MESSAGE ? 'Les fichiers dépassent la taille maximale acceptée par PLEX.' : message
			};
		case 'BAD_USER_INPUT': {
			// a refused upload (unknown, expired, not complete) is about the files
			const field = error.extensions['field'] === 'uploads' ? 'files' : error.extensions['field'];
			return FIELDS.includes(field as DraftField) ? { field: field as DraftField, message } : { message };
		}
		default:
			return { message };
	}
}
