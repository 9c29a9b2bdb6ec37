// Sends a new message with its files: one GraphQL multipart request (the spec graphql-upload
// implements: `operations`, `map`, then one part per file) over XMLHttpRequest, whose upload
// events give the progress that fetch cannot. Everything about the transport is in this module,
// so the resumable (tus) path can replace it behind the same `sendMessage` signature.
import { print } from 'graphql';
import { SendMessageDocument, type SendMessageInput } from '#lib/graphql/generated/graphql.ts';
import { GRAPHQL_PATH } from '#lib/graphql/client.ts';
import { TransferMeter, type TransferProgress } from './transfer-meter.ts';

export type NewMessage = Omit<SendMessageInput, 'files' | 'uploads'>;

export interface SendCallbacks {
	/** Bytes leaving the browser (throttled by the browser's own event rate). */
	onProgress?: (progress: TransferProgress) => void;
	/** Every byte is sent: the server is storing and encrypting the files. */
	onUploaded?: () => void;
}

export type SendFailureKind = 'graphql' | 'network' | 'aborted' | 'http';

/** Why the message was not sent; `code` and `extensions` come from the GraphQL error. */
export class SendError extends Error {
	override name = 'SendError';
	constructor(
		readonly kind: SendFailureKind,
		message: string,
		readonly code?: string,
		readonly extensions: Record<string, unknown> = {},
		readonly status?: number
	) {
		super(message);
	}
}

export interface Sending {
	/** The new message's id once it is stored and visible to its recipients. */
	result: Promise<{ id: string }>;
	/** Cancels the upload; the server keeps nothing of an incomplete request. */
	abort(): void;
}

/** The multipart body: `operations` with a null per file, `map` from part names to variables. */
export function multipartBody(message: NewMessage, files: readonly File[]): FormData {
	const body = new FormData();
	body.append(
		'operations',
		JSON.stringify({
			operationName: 'SendMessage',
			query: print(SendMessageDocument),
			variables: { input: { ...message, files: files.map(() => null) } }
		})
	);
	body.append(
		'map',
		JSON.stringify(Object.fromEntries(files.map((_, index) => [String(index), [`variables.input.files.${index}`]])))
	);
	files.forEach((file, index) => body.append(String(index), file, file.name));
	return body;
}

interface GraphqlAnswer {
	data?: { sendMessage?: { id?: unknown } | null } | null;
	errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }>;
}

function parse(text: string): GraphqlAnswer | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null ? (value as GraphqlAnswer) : undefined;
	} catch {
		return undefined;
	}
}

/** The outcome of a finished request: the new id, or a SendError. */
export function readAnswer(status: number, text: string): { id: string } | SendError {
	const answer = parse(text);
	const id = answer?.data?.sendMessage?.id;
	if (typeof id === 'string' && id) return { id };
	const first = answer?.errors?.[0];
	if (first) {
		const extensions = first.extensions ?? {};
		const code = typeof extensions['code'] === 'string' ? extensions['code'] : undefined;
		return new SendError('graphql', typeof first.message === 'string' ? first.message : '', code, extensions, status);
	}
	if (status === 413) return new SendError('http', 'Payload too large', 'PAYLOAD_TOO_LARGE', {}, status);
	return new SendError('http', `HTTP ${status}`, undefined, {}, status);
}

export function sendMessage(message: NewMessage, files: readonly File[], callbacks: SendCallbacks = {}): Sending {
	const request = new XMLHttpRequest();
	const total = files.reduce((sum, file) => sum + file.size, 0);
	const meter = new TransferMeter(total);

	const result = new Promise<{ id: string }>((resolve, reject) => {
		request.open('POST', GRAPHQL_PATH);
		// required for multipart by the server (CSRF protection); see STACK.md
		request.setRequestHeader('apollo-require-preflight', 'true');
		request.setRequestHeader('accept', 'application/graphql-response+json, application/json');
		request.upload.addEventListener('progress', (event) => {
			// the multipart framing adds a little: scale to the files' own bytes
			const loaded = event.lengthComputable && event.total > 0 ? (event.loaded / event.total) * total : event.loaded;
			callbacks.onProgress?.(meter.update(loaded, performance.now()));
		});
		request.upload.addEventListener('load', () => {
			callbacks.onProgress?.(meter.update(total, performance.now()));
			callbacks.onUploaded?.();
		});
		request.addEventListener('load', () => {
			const outcome = readAnswer(request.status, request.responseText);
			if (outcome instanceof SendError) reject(outcome);
			else resolve(outcome);
		});
		request.addEventListener('error', () => reject(new SendError('network', 'network error')));
		request.addEventListener('timeout', () => reject(new SendError('network', 'timeout')));
		request.addEventListener('abort', () => reject(new SendError('aborted', 'aborted')));
		request.send(multipartBody(message, files));
	});

	return { result, abort: () => request.abort() };
}
