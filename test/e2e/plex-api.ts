// What the browser tests do through the PLEX API rather than the screens under test: sign in,
// send a message as a script would, create an account, and read the demo mailbox (the
// embedded mail catcher's /dev/mailbox.json).
import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { expect } from './fixtures.ts';
import type { DemoAccount } from './server-state.ts';

/** A tag no other test or run uses, for addresses and subjects ("mx0gu4t96a35"). */
export const uniqueTag = (): string => Date.now().toString(36) + randomBytes(2).toString('hex');

const PREFLIGHT = { 'apollo-require-preflight': 'true' };

/** A GraphQL request in `request`'s context (its cookies); fails the test on any error. */
export async function graphql<Data>(
	request: APIRequestContext,
	query: string,
	variables: Record<string, unknown> = {}
): Promise<Data> {
	const response = await request.post('/graphql', { headers: PREFLIGHT, data: { query, variables } });
	const body = (await response.json()) as { data?: Data; errors?: unknown };
	expect(body.errors, `GraphQL errors for ${query.slice(0, 60)}`).toBeUndefined();
	return body.data!;
}

/** Signs in through the API (the login page has its own tests): the context keeps the cookie. */
export async function signIn(request: APIRequestContext, account: Pick<DemoAccount, 'email' | 'password'>): Promise<void> {
	await graphql(
		request,
		'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { id } }',
		{ email: account.email, password: account.password }
	);
}

/** The display name the server knows for the signed-in user of `request`'s context. */
export async function displayName(request: APIRequestContext): Promise<string> {
	const { me } = await graphql<{ me: { displayName: string } | null }>(request, 'query Me { me { displayName } }');
	if (!me) throw new Error('not signed in');
	return me.displayName;
}

/** Sends a message through the API, as a script would (for tests that need one to exist). */
export async function sendByApi(request: APIRequestContext, to: string, subject: string): Promise<string> {
	// a FormData keeps the parts in order: the spec wants `operations`, `map`, then the files
	const form = new FormData();
	form.append(
		'operations',
		JSON.stringify({
			query: 'mutation S($input: SendMessageInput!) { sendMessage(input: $input) { id } }',
			variables: { input: { recipients: [to], subject, lifetimeDays: 3, files: [null] } }
		})
	);
	form.append('map', JSON.stringify({ '0': ['variables.input.files.0'] }));
	form.append('0', new Blob(['Note de service.'], { type: 'text/plain' }), 'note.txt');
	const response = await request.post('/graphql', { headers: PREFLIGHT, multipart: form });
	if (!response.ok()) throw new Error(`sendMessage: HTTP ${response.status()} ${(await response.text()).slice(0, 300)}`);
	const body = (await response.json()) as { data?: { sendMessage: { id: string } }; errors?: unknown };
	expect(body.errors).toBeUndefined();
	return body.data!.sendMessage.id;
}

export interface CaughtMail {
	id: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	date: string;
}

const PASSWORD_LINK = /https?:\/\/[^\s"'<>]+\/reset-password\?[^\s"'<>]*token=[^\s"'<>]+/;

/**
 * The newest activation or reset link mailed to `email` since `since` (ms), with its mail,
 * read from the demo mailbox.
 */
export async function passwordLinkFor(
	request: APIRequestContext,
	email: string,
	since: number
): Promise<{ link: string; mail: CaughtMail }> {
	let found: { link: string; mail: CaughtMail } | undefined;
	await expect
		.poll(
			async () => {
				const response = await request.get('/dev/mailbox.json');
				const mails = (await response.json()) as CaughtMail[];
				const mail = mails.find(
					(m) =>
						m.to.some((to) => to.toLowerCase().includes(email.toLowerCase())) &&
						Date.parse(m.date) >= since - 2_000 &&
						PASSWORD_LINK.test(m.text)
				);
				const link = mail?.text.match(PASSWORD_LINK)?.[0];
				found = mail && link ? { link, mail } : undefined;
				return found?.link;
			},
			{ message: `a password e-mail to ${email}`, timeout: 20_000 }
		)
		.toBeTruthy();
	return found!;
}
