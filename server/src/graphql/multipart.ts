// GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec) read
// straight from the socket: `operations`, then `map`, then the files. Once `map` is read, GraphQL
// runs; each file part is handed to the resolver, as it arrives, as the very stream busboy parses
// from the request, so the consumer's backpressure pauses the socket. No temporary file and no
// whole file in memory: graphql-upload's processRequest, which this replaces, copied every upload
// in plaintext to os.tmpdir() (fs-capacitor) before the resolver could read it.
//
// Hence two rules for resolvers, both kept by messages.service.ts: each file is read once, and
// files are read in the order of the request. A resolver that waits for a file while an earlier
// one lies unread gets an error (BAD_USER_INPUT) rather than a request stuck forever; whatever it
// leaves unread when it answers is drained, never stored, and the answer goes out once the
// request has been read to its end (as with graphql-upload: clients expect the answer after the
// body).
//
// Values of the `Upload` scalar are graphql-upload's `Upload` instances (GraphQLUpload accepts
// nothing else), so the schema is unchanged; their promise resolves to a FileUpload below.
import busboy, { type Busboy, type FileInfo } from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import Upload from 'graphql-upload/Upload.mjs';
import type { Readable } from 'node:stream';
import { badInput } from '../errors.js';

/** A file of the request, as the `Upload` scalar's promise resolves it. */
export interface FileUpload {
  /** As the client named it (UTF-8, last path part only); shown names go through sanitizeFileName. */
  filename: string;
  /** Claimed by the client: never trusted. */
  mimetype: string;
  encoding: string;
  /** The bytes as they arrive; once per file (a second call throws), and in the order of the request. */
  createReadStream(): Readable;
}

export interface MultipartLimits {
  /** Bytes per file; a file one byte longer fails with status 413. */
  maxFileSize: number;
  /** Files per request (entries of `map`, and file parts). */
  maxFiles: number;
  /** Bytes of `operations` and of `map`. */
  maxFieldSize: number;
}

/**
 * A refusal of the request itself, with its HTTP status: answered by the /graphql error handler
 * before GraphQL runs, or, once it runs, the reason a file's promise or stream fails (the messages
 * service maps 413 to PAYLOAD_TOO_LARGE and 400/499 to BAD_USER_INPUT).
 */
export class MultipartError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

const SPEC = 'https://github.com/jaydenseric/graphql-multipart-request-spec';

/** Files awaited out of the request's order: the earlier one blocks the socket, the later one never comes. */
const outOfOrder = () =>
  badInput(
    {
      fr: "Les fichiers doivent être envoyés dans l'ordre de la liste des fichiers : rien n'a été envoyé.",
      en: 'Files must be sent in the order of the list of files: nothing was sent.',
    },
    { field: 'files' },
  );

/**
 * A promise whose `then` tells who waits for it. `await`, `.catch` and `Promise.all` all call
 * `then` on a promise of a subclass, which is how the reader learns that the resolver wants a file.
 */
class FilePromise extends Promise<FileUpload> {
  declare onAwait: (() => void) | undefined;
  override then<A = FileUpload, B = never>(
    onFulfilled?: ((value: FileUpload) => A | PromiseLike<A>) | null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of Promise.prototype.then
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.onAwait?.();
    return super.then(onFulfilled, onRejected);
  }
}
// What `then` returns is a plain promise (Promise's own species getter cannot be assigned to).
Object.defineProperty(FilePromise, Symbol.species, { value: Promise });

/** One entry of `map`: the file the operation expects under that name. */
class FileSlot {
  readonly upload = new Upload();
  readonly promise: FilePromise;
  resolve!: (file: FileUpload) => void;
  reject!: (error: Error) => void;
  /** The resolver awaited it. */
  awaited = false;
  /** Its part began; `stream` is busboy's stream of it. */
  stream: Readable | undefined;
  /** The resolver took its stream. */
  opened = false;
  /** Its stream ended: read to the last byte, or destroyed. */
  done = false;

  constructor(onAwait: () => void) {
    this.promise = new FilePromise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.onAwait = () => {
      this.awaited = true;
      onAwait();
    };
    // Settled whether or not a resolver ever waits for it: no unhandled rejection (and no `then` of ours).
    Promise.prototype.then.call(this.promise, undefined, () => {});
    // GraphQLUpload's value is `upload.promise`; ours has the same shape, with this reader behind it.
    this.upload.promise = this.promise as unknown as Upload['promise'];
  }
}

/** Express middleware: reads a multipart request into `req.body` (the operation) and the files' promises. */
export function graphqlMultipart(limits: MultipartLimits): RequestHandler {
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    new MultipartRequest(req, res, next, limits).start();
  };
}

class MultipartRequest {
  private parser: Busboy | undefined;
  private operations: Record<string, unknown> | undefined;
  private slots: Map<string, FileSlot> | undefined;
  /** The file part busboy is in, until its stream ends: no later part is read before that. */
  private current: FileSlot | undefined;
  /** GraphQL has the operation (or the error handler has the refusal): `next` was called. */
  private handedOver = false;
  private failure: Error | undefined;
  private stopped = false;
  private finished = false;
  private checkScheduled = false;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly next: NextFunction,
    private readonly limits: MultipartLimits,
  ) {}

  start(): void {
    this.answerOnceRead();
    try {
      this.parser = busboy({
        headers: this.req.headers,
        defParamCharset: 'utf8',
        limits: {
          fieldSize: this.limits.maxFieldSize,
          fields: 2, // operations and map
          // One byte more than allowed, so that 'limit' means "over the limit", not "at it".
          fileSize: this.limits.maxFileSize + 1,
          files: this.limits.maxFiles,
        },
      });
    } catch {
      return this.fail(new MultipartError(400, 'Invalid multipart Content-Type (boundary missing?).'));
    }
    const parser = this.parser;
    parser.on('field', (name, value, info) => this.field(name, value, info.valueTruncated));
    parser.on('file', (name, stream, info) => this.file(name, stream, info));
    parser.once('filesLimit', () => this.fail(new MultipartError(413, `More than ${this.limits.maxFiles} files.`)));
    parser.once('finish', () => this.complete());
    // Kept for good: a destroyed parser may still report an error, and one unheard would end the process.
    parser.on('error', (error: Error) => this.fail(asBadRequest(error)));
    this.req.once('close', () => {
      if (!this.req.readableEnded) this.fail(new MultipartError(499, 'The client disconnected during the upload.'));
    });
    // Whatever happens to the answer, nothing more of this request is wanted after it.
    this.res.once('close', () => this.stopReading());
    this.req.pipe(parser);
  }

  private field(name: string, value: string, truncated: boolean): void {
    if (this.failure) return;
    if (truncated) return this.fail(new MultipartError(413, `The ‘${name}’ field exceeds ${this.limits.maxFieldSize} bytes.`));
    if (name === 'operations') {
      let operations: unknown;
      try {
        operations = JSON.parse(value);
      } catch {
        return this.fail(new MultipartError(400, `Invalid JSON in the ‘operations’ field (${SPEC}).`));
      }
      if (Array.isArray(operations)) return this.fail(new MultipartError(400, 'Batched operations are not supported: send one operation per request.'));
      if (typeof operations !== 'object' || operations === null) return this.fail(new MultipartError(400, `Invalid ‘operations’ field (${SPEC}).`));
      this.operations = operations as Record<string, unknown>;
      return;
    }
    if (name !== 'map') return; // other fields are ignored, as by graphql-upload
    if (!this.operations) return this.fail(new MultipartError(400, `‘map’ must follow ‘operations’ (${SPEC}).`));
    let map: unknown;
    try {
      map = JSON.parse(value);
    } catch {
      return this.fail(new MultipartError(400, `Invalid JSON in the ‘map’ field (${SPEC}).`));
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return this.fail(new MultipartError(400, `Invalid ‘map’ field (${SPEC}).`));
    const entries = Object.entries(map);
    if (entries.length > this.limits.maxFiles) return this.fail(new MultipartError(413, `More than ${this.limits.maxFiles} files.`));
    const slots = new Map<string, FileSlot>();
    for (const [fileName, paths] of entries) {
      if (!Array.isArray(paths) || paths.length === 0) return this.fail(new MultipartError(400, `Invalid ‘map’ entry ‘${fileName}’ (${SPEC}).`));
      const slot = new FileSlot(() => this.scheduleOrderCheck());
      for (const path of paths) {
        if (typeof path !== 'string' || !placeAt(this.operations, path, slot.upload)) {
          return this.fail(new MultipartError(400, `‘map’ entry ‘${fileName}’: ${JSON.stringify(path)} is not the path of a null in ‘operations’ (${SPEC}).`));
        }
      }
      slots.set(fileName, slot);
    }
    this.slots = slots;
    this.handedOver = true;
    this.req.body = this.operations;
    this.next();
  }

  private file(name: string, stream: Readable, info: FileInfo): void {
    // Errors reach whoever reads the stream; one nobody reads must not end the process. Errors of
    // busboy's own (a truncated body, a malformed part) are the client's: status 400.
    stream.on('error', (error: Error & { status?: number }) => {
      if (!(error instanceof MultipartError || error instanceof GraphQLError)) error.status ??= 400;
    });
    const slot = this.slots?.get(name);
    if (this.failure || !slot || slot.stream) {
      // After a failure, a part of a name not in `map`, or a second part of one name: skipped, as by graphql-upload.
      stream.resume();
      if (!this.failure && !this.slots) this.fail(new MultipartError(400, `Files must follow ‘operations’ and ‘map’ (${SPEC}).`));
      return;
    }
    slot.stream = stream;
    this.current = slot;
    stream.once('limit', () => {
      // busboy is in the middle of its parse here: fail (and stop the parser) just after it.
      const error = new MultipartError(413, `A file exceeds ${this.limits.maxFileSize} bytes.`);
      stream.destroy(error);
      process.nextTick(() => this.fail(error));
    });
    stream.once('close', () => {
      slot.done = true;
      if (this.current === slot) this.current = undefined;
    });
    slot.resolve({
      filename: info.filename ?? '',
      mimetype: info.mimeType,
      encoding: info.encoding,
      createReadStream: () => {
        if (stream.errored) throw stream.errored;
        if (slot.opened || stream.destroyed) throw new MultipartError(400, 'A file of the request can be read only once.');
        slot.opened = true;
        return stream;
      },
    });
    this.scheduleOrderCheck();
  }

  /**
   * After the resolver awaited a file or a part began (once the promises' callbacks have run): a
   * file awaited but not arrived, while the part in progress is not being read, can never arrive.
   */
  private scheduleOrderCheck(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      const current = this.current;
      if (this.failure || !this.slots || !current || current.opened || current.done) return;
      if ([...this.slots.values()].some((slot) => slot.awaited && !slot.stream)) this.fail(outOfOrder());
    });
  }

  /** The request's end was parsed. */
  private complete(): void {
    this.finished = true;
    if (this.failure) return;
    if (!this.operations) return this.fail(new MultipartError(400, `The ‘operations’ field is missing (${SPEC}).`));
    if (!this.slots) return this.fail(new MultipartError(400, `The ‘map’ field is missing (${SPEC}).`));
    for (const [name, slot] of this.slots) if (!slot.stream) slot.reject(new MultipartError(400, `The file ‘${name}’ of ‘map’ is missing from the request.`));
  }

  /** Fails every file not read yet and stops reading; before GraphQL runs, answers with the error. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const slot of this.slots?.values() ?? []) if (!slot.stream) slot.reject(error);
    if (this.current && !this.current.done) this.current.stream!.destroy(error);
    this.stopReading();
    if (!this.handedOver) {
      this.handedOver = true;
      this.next(error);
    }
  }

  /** Detaches the parser and drains what is left of the request: read, never kept. */
  private stopReading(): void {
    if (this.stopped) return;
    this.stopped = true;
    const parser = this.parser;
    if (parser) {
      this.req.unpipe(parser);
      // Not from inside one of busboy's own events: it goes on using its state after them.
      process.nextTick(() => {
        if (!this.finished) parser.destroy(this.failure ?? new MultipartError(400, 'The request was answered before it was read to its end.'));
      });
    }
    // After unpipe, the data events already scheduled would pause the request again.
    setImmediate(() => this.req.resume());
  }

  /**
   * The answer waits for the end of the request, as with graphql-upload: the resolver has finished
   * when it is sent, so what it left unread is discarded first (files it never reached fail).
   */
  private answerOnceRead(): void {
    const { req, res } = this;
    const send = res.send;
    res.send = (...args: Parameters<Response['send']>) => {
      this.handedOver = true; // answered: never `next` after this
      if (!this.finished) this.fail(new MultipartError(400, 'The request was answered before this file arrived.'));
      this.stopReading();
      const answer = () => {
        res.send = send;
        res.send(...args);
      };
      if (req.closed) answer();
      else req.once('close', answer);
      return res;
    };
  }
}

/** busboy's parse errors (malformed part, truncated body) as the client's, status 400. */
function asBadRequest(error: Error & { status?: number }): Error {
  if (error.status) return error;
  return new MultipartError(400, `Malformed multipart request: ${error.message}.`);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Puts `value` at a dotted path of `operations` (`variables.input.files.0`), which must lead,
 * through existing objects and arrays, to a `null` placeholder as the spec asks of clients.
 */
function placeAt(operations: Record<string, unknown>, path: string, value: unknown): boolean {
  const keys = path.split('.');
  let parent: unknown = operations;
  for (const [index, key] of keys.entries()) {
    if (typeof parent !== 'object' || parent === null || FORBIDDEN_KEYS.has(key) || !Object.hasOwn(parent, key)) return false;
    const container = parent as Record<string, unknown>;
    if (Array.isArray(container) && !/^(0|[1-9]\d*)$/.test(key)) return false;
    if (index === keys.length - 1) {
      if (container[key] !== null) return false;
      container[key] = value;
      return true;
    }
    parent = container[key];
  }
  return false;
}
