// Sends a new message with its files, in two steps. Each file goes up as soon as it is chosen,
// through the resumable upload path (tus 1.0 at /uploads, tus-js-client): one file at a time
// (the server allows 10 unfinished uploads per user), large chunks, and automatic resumption
// from the server's durable offset after a network error. Then `sendMessage` names the finished
// uploads by id, as a plain JSON GraphQL mutation. Cancelling a file terminates its upload on the
// server (tus termination), so nothing of it stays behind.
import { print } from 'graphql';
import { Upload, type DetailedError } from 'tus-js-client';
import { SendMessageDocument, type SendMessageInput } from '#lib/graphql/generated/graphql.ts';
import { GRAPHQL_PATH } from '#lib/graphql/client.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';
import { TransferMeter, type TransferProgress } from './transfer-meter.ts';

export const UPLOADS_PATH = '/uploads';
/** The server wants chunks in multiples of 64 KiB; one request per 64 MiB. */
export const CHUNK_SIZE = 64 * 1024 * 1024;
/** Waits before each automatic retry of a failed request (then the upload waits to be back online). */
export const RETRY_DELAYS = [0, 1_000, 3_000, 5_000, 10_000, 20_000, 30_000, 30_000, 60_000, 60_000];

export type NewMessage = Omit<SendMessageInput, 'files' | 'uploads'>;

export type SendFailureKind = 'graphql' | 'network' | 'aborted' | 'http' | 'upload';

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

/** The upload id the server knows: the last path segment of the upload's URL. */
export function uploadIdOf(url: string): string {
	const path = new URL(url, 'http://localhost').pathname.replace(/\/+$/, '');
	return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** Retry a failed tus request? Network failures and server errors yes, refusals (4xx) no. */
export function shouldRetryStatus(status: number): boolean {
	return status === 0 || status >= 500 || status === 409 || status === 423;
}

interface UploadWording {
	offline: string;
	tooLarge: string;
	sessionExpired: string;
	tooManyUploads: string;
	gone: string;
	failed: string;
}

const WORDING: Translations<UploadWording> = {
	fr: {
		offline: "La connexion au serveur est interrompue : l'envoi reprendra dès son retour.",
		tooLarge: 'Ce fichier dépasse la taille maximale acceptée par PLEX.',
		sessionExpired: 'Votre session a expiré : reconnectez-vous, puis choisissez à nouveau ce fichier.',
		tooManyUploads: "Trop d'envois en cours (10 au plus) : attendez la fin de l'un d'eux ou annulez-en un.",
		gone: "Cet envoi n'existe plus (expiré ou annulé) : choisissez à nouveau ce fichier.",
		failed: "L'envoi de ce fichier a échoué. Réessayez."
	},
	en: {
		offline: 'The connection to the server is lost: the upload will resume as soon as it is back.',
		tooLarge: 'This file exceeds the maximum size PLEX accepts.',
		sessionExpired: 'Your session has expired: sign in again, then choose this file again.',
		tooManyUploads: 'Too many uploads in progress (10 at most): wait for one to finish or cancel one.',
		gone: 'This upload no longer exists (expired or cancelled): choose this file again.',
		failed: 'The upload of this file failed. Try again.'
	}
};

/**
 * The user's words for a tus failure: the refusals the app can meet are worded here, in the
 * page's language; another refusal shows the server's own reason (in French).
 */
export function uploadFailureMessage(status: number, body: string, locale: Locale = DEFAULT_LOCALE): string {
	const wording = WORDING[locale];
	const reason = body.trim();
	if (status === 0) return wording.offline;
	if (status === 413) return wording.tooLarge;
	if (status === 401 || status === 403) return wording.sessionExpired;
	if (status === 429) return wording.tooManyUploads;
	if (status === 404 || status === 410) return wording.gone;
	if (status >= 400 && status < 500 && reason && reason.length < 300 && !reason.startsWith('<')) return reason;
	return wording.failed;
}

/** Forgets the unfinished uploads this browser could resume (at sign-out: another user may follow). */
export function forgetResumableUploads(storage: Storage = window.localStorage): void {
	for (const key of Object.keys(storage)) if (key.startsWith('tus::')) storage.removeItem(key);
}

export type FileUploadStatus = 'waiting' | 'uploading' | 'retrying' | 'done' | 'failed' | 'cancelled';

export interface FileUploadState {
	status: FileUploadStatus;
	progress: TransferProgress;
	/** Set when `status` is 'failed' (or 'retrying': the reason of the wait). */
	error?: string;
	/** The server's id, once the upload is complete. */
	id?: string;
}

/**
 * One file's resumable upload. `start()` is called by the queue (one upload at a time);
 * `finished` settles with the upload id, or rejects when the upload fails for good or is
 * cancelled. `locale` words its failures: a language, or a function giving the page's
 * language at the time of the failure (so a language switch during the upload is followed).
 */
export class FileUpload {
	readonly finished: Promise<string>;
	private state: FileUploadState;
	private readonly upload: Upload;
	private meter: TransferMeter;
	private lastLoaded = 0;
	private resolve!: (id: string) => void;
	private reject!: (error: SendError) => void;
	private wakeUp: ReturnType<typeof setTimeout> | undefined;
	private readonly onOnline = () => {
		if (this.state.status === 'retrying') this.retry();
	};

	constructor(
		readonly file: File,
		private readonly onChange: (state: FileUploadState) => void = () => {},
		private readonly locale: Locale | (() => Locale) = DEFAULT_LOCALE
	) {
		this.meter = new TransferMeter(file.size);
		this.state = { status: 'waiting', progress: this.meter.update(0, now()) };
		this.finished = new Promise<string>((resolve, reject) => {
			this.resolve = resolve;
			this.reject = reject;
		});
		// a cancelled or failed upload is no error when nobody waits for it
		this.finished.catch(() => {});
		this.upload = new Upload(file, {
			endpoint: new URL(UPLOADS_PATH, window.location.href).href,
			chunkSize: CHUNK_SIZE,
			retryDelays: RETRY_DELAYS,
			metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
			// the same file chosen again after a reload (or a crash) resumes where the server stopped;
			// the browser forgets it once the upload is complete, cancelled, or gone (404)
			storeFingerprintForResuming: true,
			removeFingerprintOnSuccess: true,
			onShouldRetry: (error: DetailedError) => {
				const status = error.originalResponse?.getStatus() ?? 0;
				const retry = shouldRetryStatus(status);
				if (retry) this.set({ status: 'retrying', error: uploadFailureMessage(0, '', this.language()) });
				return retry;
			},
			onProgress: (loaded) => this.progressed(loaded),
			onSuccess: () => {
				const id = this.upload.url ? uploadIdOf(this.upload.url) : '';
				this.set({ status: 'done', id, progress: this.meter.update(file.size, now()), error: undefined });
				window.removeEventListener('online', this.onOnline);
				this.resolve(id);
			},
			onError: (error) => {
				const detailed = error as DetailedError;
				const status = detailed.originalResponse?.getStatus() ?? 0;
				if (status === 0 && detailed.originalRequest) {
					// out of retries: go on by itself once the browser is back online, or in a minute
					this.set({ status: 'retrying', error: uploadFailureMessage(0, '', this.language()) });
					clearTimeout(this.wakeUp);
					this.wakeUp = setTimeout(this.onOnline, 60_000);
					return;
				}
				const message = uploadFailureMessage(status, detailed.originalResponse?.getBody() ?? '', this.language());
				this.set({ status: 'failed', error: message });
				window.removeEventListener('online', this.onOnline);
				this.reject(new SendError('upload', message, status === 413 ? 'PAYLOAD_TOO_LARGE' : undefined, {}, status));
			}
		});
	}

	get current(): FileUploadState {
		return this.state;
	}

	start(): void {
		if (this.state.status !== 'waiting') return;
		this.set({ status: 'uploading' });
		window.addEventListener('online', this.onOnline);
		void this.resumeOrStart();
	}

	/** Goes on with an upload of this same file left unfinished by an earlier page, if any. */
	private async resumeOrStart(): Promise<void> {
		try {
			const [previous] = await this.upload.findPreviousUploads();
			if (previous) this.upload.resumeFromPreviousUpload(previous);
		} catch {
			// no storage (private browsing): a new upload
		}
		if (this.state.status === 'uploading') this.upload.start();
	}

	/** Tries again now, while waiting to retry after a network error. */
	retry(): void {
		if (this.state.status !== 'retrying') return;
		clearTimeout(this.wakeUp);
		this.upload.abort(false).then(() => {
			this.set({ status: 'uploading', error: undefined });
			this.upload.start();
		}, () => {});
	}

	/** Stops the upload and has the server delete what it received; `finished` rejects. */
	async cancel(): Promise<void> {
		if (this.state.status === 'cancelled') return;
		const hadStarted = this.state.status !== 'waiting';
		this.set({ status: 'cancelled' });
		clearTimeout(this.wakeUp);
		window.removeEventListener('online', this.onOnline);
		this.reject(new SendError('aborted', 'aborted'));
		if (!hadStarted) return;
		try {
			await this.upload.abort(true);
		} catch {
			// the server deletes unfinished uploads when they expire
		}
	}

	private language(): Locale {
		return typeof this.locale === 'function' ? this.locale() : this.locale;
	}

	private progressed(loaded: number): void {
		// a resumed upload starts again from the server's offset: measure the speed afresh
		if (loaded < this.lastLoaded) this.meter = new TransferMeter(this.file.size);
		this.lastLoaded = loaded;
		this.set({ status: 'uploading', error: undefined, progress: this.meter.update(loaded, now()) });
	}

	private set(change: Partial<FileUploadState>): void {
		if (this.state.status === 'cancelled' && change.status !== 'cancelled') return;
		this.state = { ...this.state, ...change };
		this.onChange(this.state);
	}
}

/** Starts the uploads one after another, in the order they were added. */
export class UploadQueue {
	private readonly uploads: FileUpload[] = [];
	private active: FileUpload | null = null;

	constructor(private readonly canStart: () => boolean = () => true) {}

	add(upload: FileUpload): void {
		this.uploads.push(upload);
		void upload.finished.then(
			() => this.next(upload),
			() => this.next(upload)
		);
		this.pump();
	}

	/** Starts the next waiting upload if none is running (and `canStart` allows). */
	pump(): void {
		if (this.active || !this.canStart()) return;
		const next = this.uploads.find((upload) => upload.current.status === 'waiting');
		if (!next) return;
		this.active = next;
		next.start();
	}

	/** Cancels every upload, complete ones too (leaving the page without sending): nothing stays. */
	async cancelAll(): Promise<void> {
		await Promise.all(this.uploads.map((upload) => upload.cancel()));
	}

	private next(finished: FileUpload): void {
		const index = this.uploads.indexOf(finished);
		if (index >= 0 && finished.current.status !== 'done') this.uploads.splice(index, 1);
		if (this.active === finished) this.active = null;
		this.pump();
	}
}

/** The progress of several files together, for the overall bar. */
export function combinedProgress(states: readonly FileUploadState[]): TransferProgress {
	const total = states.reduce((sum, state) => sum + state.progress.total, 0);
	const loaded = states.reduce((sum, state) => sum + state.progress.loaded, 0);
	const speeds = states.filter((state) => state.status === 'uploading' && state.progress.bytesPerSecond !== null);
	const bytesPerSecond = speeds.length > 0 ? speeds.reduce((sum, state) => sum + state.progress.bytesPerSecond!, 0) : null;
	const left = total - loaded;
	return {
		loaded,
		total,
		fraction: total > 0 ? loaded / total : 1,
		bytesPerSecond,
		secondsLeft: left === 0 ? 0 : bytesPerSecond !== null && bytesPerSecond > 0 ? left / bytesPerSecond : null
	};
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

/** The JSON body of `sendMessage` with finished uploads. */
export function sendMessageBody(message: NewMessage, uploads: readonly string[]): string {
	return JSON.stringify({
		operationName: 'SendMessage',
		query: print(SendMessageDocument),
		variables: { input: { ...message, uploads: [...uploads] } }
	});
}

/** Sends the message naming its finished uploads; the new message's id, or a SendError. */
export async function sendMessage(
	message: NewMessage,
	uploads: readonly string[],
	fetcher: typeof fetch = fetch
): Promise<{ id: string }> {
	let response: Response;
	try {
		response = await fetcher(GRAPHQL_PATH, {
			method: 'POST',
			credentials: 'same-origin',
			headers: {
				'content-type': 'application/json',
				accept: 'application/graphql-response+json, application/json',
				'apollo-require-preflight': 'true'
			},
			body: sendMessageBody(message, uploads)
		});
	} catch {
		throw new SendError('network', 'network error');
	}
	const outcome = readAnswer(response.status, await response.text().catch(() => ''));
	if (outcome instanceof SendError) throw outcome;
	return outcome;
}

function now(): number {
	return typeof performance === 'undefined' ? Date.now() : performance.now();
}
