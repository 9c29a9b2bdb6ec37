// GraphQL multipart requests (the spec graphql-upload implements), as a script or the web app
// would send them, plus helpers to fetch and check downloads.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiClient, GraphQLResponse } from './api-client.js';

export const SEND = `mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) { id subject comment lifetimeDays sentAt expiresAt expired
    sender { email } recipients { user { email } viewedAt } files { id name size sha256 } } }`;

export interface UploadFile {
  name: string;
  content: Buffer;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
export const randomFile = (name: string, size: number): UploadFile => ({ name, content: randomBytes(size) });

export interface SendFields {
  recipients: string[];
  subject?: string;
  comment?: string | null;
  lifetimeDays?: number;
  /** Ids of completed resumable (tus) uploads, sent alongside the files. */
  uploads?: string[];
}

/** Sends a message with files through POST /graphql multipart; returns status and body. */
export async function sendMessage(client: ApiClient, fields: SendFields, files: UploadFile[], headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
  const form = new FormData();
  const input = { subject: 'Pièces du dossier', lifetimeDays: 7, ...fields, files: files.map(() => null) };
  form.append('operations', JSON.stringify({ query: SEND, variables: { input } }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.input.files.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), new Blob([new Uint8Array(file.content)]), file.name));
  const cookie = client.cookieHeader();
  const response = await fetch(`${client.baseUrl}/graphql`, {
    method: 'POST',
    headers: { ...(cookie ? { cookie } : {}), ...client.headers, ...headers },
    body: form,
  });
  const text = await response.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    body = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, body };
}

/** The message sent, or throws with the error codes. */
export async function sendOk(client: ApiClient, fields: SendFields, files: UploadFile[]) {
  const { body } = await sendMessage(client, fields, files);
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
  return body.data!.sendMessage;
}

export async function downloadUrl(client: ApiClient, fileId: string): Promise<string> {
  return (await client.gql(`mutation ($id: ID!) { download(fileId: $id) { url expiresAt } }`, { id: fileId })).download.url;
}

export async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
