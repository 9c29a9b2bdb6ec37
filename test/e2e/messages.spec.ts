// The message journeys of the guide in a real browser against the real server: an agent sends
// two files to a partner (compose's six steps) while the partner's inbox, open in a second
// context, shows the message live; the partner opens and downloads them, the agent's Sent view
// shows "viewed" and "downloaded" (live, in its own test); uploads resume after a cut and
// cancel without leftovers; the live connection catches up after a drop; preferences persist; the
// assistance page and the administration's 403; an admin imports a CSV and reads a message's log.
// Each test makes its own data (unique subjects and addresses), so tests and projects are independent.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Download, Page, WebSocketRoute } from '@playwright/test';
import yauzl from 'yauzl';
import { demoAccount, type DemoAccount } from './server-state.ts';
import { expect, expectPhoneLayout, saveScreenshot, test } from './fixtures.ts';
import { graphql, sendByApi, signIn, uniqueTag } from './plex-api.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const unique = (label: string) => `${label} ${uniqueTag()}`;

// login.spec.ts changes partner-lawyer's password: the partner here is the expert.
const PARTNER = 'partner-expert';

/** Waits until the page listens to the live events (the layout marks `<html data-live>`). */
async function expectLive(page: Page): Promise<void> {
	await expect(page.locator('html')).toHaveAttribute('data-live', 'connected');
}

/** The inbox of `account`, open in a new browser context and listening to the live events. */
async function openInbox(newSession: () => Promise<BrowserContext>, account: DemoAccount): Promise<Page> {
	const inbox = await (await newSession()).newPage();
	await signIn(inbox.request, account);
	await inbox.goto('/');
	await expectLive(inbox);
	return inbox;
}

async function downloaded(download: Download): Promise<Buffer> {
	const path = await download.path();
	return readFile(path);
}

function zipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
	return new Promise((resolve, reject) => {
		yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
			if (error || !archive) return reject(error ?? new Error('not a zip'));
			const entries = new Map<string, Buffer>();
			archive.on('entry', (entry: yauzl.Entry) => {
				archive.openReadStream(entry, (streamError, stream) => {
					if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
					const chunks: Buffer[] = [];
					stream.on('data', (chunk: Buffer) => chunks.push(chunk));
					stream.on('end', () => {
						entries.set(entry.fileName, Buffer.concat(chunks));
						archive.readEntry();
					});
				});
			});
			archive.on('end', () => resolve(entries));
			archive.on('error', reject);
			archive.readEntry();
		});
	});
}

test('an agent sends two files to a partner, who opens and downloads them; the Sent view shows it', async ({
	page,
	plex,
	checkPage,
	newSession,
	browserName,
	browserErrors
}) => {
	// the whole journey of the guide, in two browser contexts, with a dozen accessibility checks
	test.setTimeout(120_000);
	const agent = demoAccount(plex, 'agent');
	const partner = demoAccount(plex, PARTNER);
	const subject = unique('Pièces du dossier');
	const files = [
		{ name: 'procès-verbal.txt', mimeType: 'text/plain', buffer: Buffer.from(`Procès-verbal ${randomBytes(16).toString('hex')}\n`) },
		{ name: 'plan.bin', mimeType: 'application/octet-stream', buffer: randomBytes(200_000) }
	];

	// ---- the agent writes the message (the guide's six steps) ----
	await signIn(page.request, agent);
	await page.goto('/compose');
	await expect(page).toHaveTitle('Nouveau message — PLEX');
	await expect(page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Nouveau message' })).toHaveAttribute('aria-current', 'page');

	// an address outside the directory is refused, with the reason
	const recipients = page.getByRole('combobox', { name: 'Destinataires' });
	await recipients.fill('inconnu@nulle-part.example');
	await recipients.press('Enter');
	await expect(page.getByRole('alert').filter({ hasText: 'inconnu' })).toContainText(
		"Destinataire inconnu de l'annuaire PLEX : inconnu@nulle-part.example."
	);
	await expect(recipients).toHaveAttribute('aria-invalid', 'true');
	await recipients.press('Escape'); // clears the text
	await expect(recipients).toHaveValue('');

	// typing proposes the directory; arrows and Enter choose
	await recipients.pressSequentially('expert', { delay: 20 });
	const listbox = page.getByRole('listbox', { name: 'Destinataires proposés' });
	await expect(listbox.getByRole('option')).toContainText([partner.email]);
	await expect(recipients).toHaveAttribute('aria-expanded', 'true');
	await checkPage(page, 'compose-recipients-open');
	await recipients.press('ArrowDown');
	await expect(listbox.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
	await expect(recipients).toHaveAttribute('aria-activedescendant', 'recipients-option-0');
	await recipients.press('Enter');
	const chips = page.getByRole('list', { name: 'Destinataires choisis' });
	await expect(chips.getByRole('listitem')).toHaveCount(1);
	await expect(chips).toContainText(partner.email);
	await expect(recipients).toBeFocused();
	await expect(recipients).toHaveAttribute('aria-expanded', 'false');

	// a chip can be removed, and chosen again
	await chips.getByRole('button', { name: /^Retirer / }).click();
	await expect(chips).toHaveCount(0);
	await recipients.pressSequentially(partner.email.slice(0, 6), { delay: 20 });
	await expect(listbox.getByRole('option').filter({ hasText: partner.email })).toBeVisible();
	await listbox.getByRole('option').filter({ hasText: partner.email }).click();
	await expect(chips).toContainText(partner.email);

	// sending with no subject and no file says what is missing
	await page.getByRole('button', { name: 'Envoyer' }).click();
	const summary = page.locator('.error-summary');
	await expect(summary).toBeFocused();
	await expect(summary).toContainText("Objet : Renseignez l'objet du message.");
	await expect(summary).toContainText('Fichiers : Ajoutez au moins un fichier.');
	await checkPage(page, 'compose-errors');

	await page.getByLabel('Objet').fill(subject);
	await page.getByLabel('Commentaire (facultatif)').fill('Bonjour,\nvoici les pièces demandées.');
	await page.locator('#files').setInputFiles(files);
	const chosen = page.getByRole('list', { name: 'Fichiers choisis' }).getByRole('listitem');
	await expect(chosen).toHaveCount(2);
	await expect(page.locator('#files-total')).toContainText('sur 2\u00a0Go');
	await expect(page.getByLabel('Durée de vie', { exact: true })).toHaveValue('7');
	await page.getByLabel('Durée de vie', { exact: true }).selectOption('5');
	await checkPage(page, 'compose-filled');
	await expectPhoneLayout(page, 'compose-phone');

	// ---- meanwhile the partner's inbox is open, in a second browser context ----
	const partnerPage = await openInbox(newSession, partner);
	const item = partnerPage.locator('.message-item').filter({ hasText: subject });
	await expect(item).toHaveCount(0);

	await page.getByRole('button', { name: 'Envoyer' }).click();
	await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/, { timeout: 20_000 });
	const messageId = new URL(page.url()).pathname.split('/').pop()!;
	await expect(page.getByRole('status').filter({ hasText: 'Message envoyé' })).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
	for (const file of files) {
		await expect(page.locator(`li[data-file="${file.name}"] [data-sha256]`)).toHaveText(sha256(file.buffer));
	}
	await expect(page.locator('.countdown')).toContainText('Expire dans 4 jours et 23 heures');
	await checkPage(page, 'message-sender');

	// ---- the partner's inbox shows it without a reload, announced ----
	await expect(item).toHaveClass(/unread/);
	await expect(partnerPage.getByRole('status').filter({ hasText: 'Nouveau message' })).toHaveText(
		`Nouveau message de Bruno Greffier : ${subject}`
	);
	await expect(item.getByRole('link')).toHaveAccessibleName(new RegExp(`^Non lu ${subject}`));
	await expect(item).toContainText('De Bruno Greffier');
	await checkPage(partnerPage, 'inbox');
	await expectPhoneLayout(partnerPage, 'inbox-phone');

	await item.getByRole('link').click();
	await expect(partnerPage).toHaveURL(`/messages/${messageId}`);
	await expect(partnerPage.getByRole('heading', { level: 1 })).toHaveText(subject);
	await expect(partnerPage.locator('.comment')).toHaveText('Bonjour,\nvoici les pièces demandées.');
	await checkPage(partnerPage, 'message-recipient');
	await expectPhoneLayout(partnerPage, 'message-recipient-phone');

	// one file: the download event, and the bytes match the fingerprint shown
	const [single] = await Promise.all([
		partnerPage.waitForEvent('download'),
		partnerPage.getByRole('button', { name: `Télécharger ${files[0]!.name}` }).click()
	]);
	expect(single.suggestedFilename()).toBe(files[0]!.name);
	expect(sha256(await downloaded(single))).toBe(sha256(files[0]!.buffer));

	// all files, as one zip
	const [all] = await Promise.all([
		partnerPage.waitForEvent('download'),
		partnerPage.getByRole('button', { name: 'Télécharger tous les fichiers' }).click()
	]);
	expect(all.suggestedFilename()).toMatch(/\.zip$/);
	const entries = await zipEntries(await downloaded(all));
	expect([...entries.keys()].sort()).toEqual(files.map((file) => file.name).sort());
	for (const file of files) expect(sha256(entries.get(file.name)!)).toBe(sha256(file.buffer));

	// back in the inbox, the message is read
	await partnerPage.goto('/');
	await expect(partnerPage.locator('.message-item').filter({ hasText: subject })).not.toHaveClass(/unread/);

	// ---- the agent's Sent view, after reload ----
	await page.goto('/sent');
	const sent = page.locator(`li.sent-item[data-message-id="${messageId}"]`);
	const tracking = sent.locator(`li[data-recipient="${partner.email}"]`);
	await expect(async () => {
		await page.reload();
		await expect(tracking.locator('[data-status="viewed"]')).toContainText(/Vu\s+le/, { timeout: 1_000 });
		await expect(tracking.locator('li[data-downloaded="true"]')).toHaveCount(2, { timeout: 1_000 });
	}).toPass({ timeout: 20_000 });
	for (const file of files) {
		await expect(tracking.locator(`li[data-file="${file.name}"]`)).toContainText(/Téléchargé\s+le/);
	}
	await checkPage(page, 'sent');
	await expectPhoneLayout(page, 'sent-phone');

	// ---- the receipt, printable ----
	await page.goto(`/messages/${messageId}`);
	await page.getByRole('link', { name: 'Accusé de réception' }).click();
	await expect(page).toHaveURL(`/messages/${messageId}/receipt`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accusé de réception');
	for (const file of files) await expect(page.getByRole('table').first()).toContainText(sha256(file.buffer));
	await expect(page.getByRole('table').nth(1)).toContainText('Fichier téléchargé');
	await expect(page.getByRole('table').nth(1)).toContainText('Message consulté');
	await checkPage(page, 'receipt');
	if (browserName === 'chromium') {
		// Playwright 1.64 cannot emulate print media in Firefox ESR (WebDriver BiDi)
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByRole('banner')).toBeHidden();
		await expect(page.getByRole('button', { name: 'Imprimer' })).toBeHidden();
		await saveScreenshot(page, 'receipt-print');
		await page.emulateMedia({ media: 'screen' });
	}

	// ---- the sender deletes it, after confirming ----
	await page.bringToFront(); // the partner's window took the focus
	await page.goto(`/messages/${messageId}`);
	await page.getByRole('button', { name: 'Supprimer le message' }).click();
	const dialog = page.getByRole('dialog', { name: 'Supprimer ce message ?' });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Annuler' })).toBeFocused();
	await checkPage(page, 'message-delete-dialog');
	await dialog.getByRole('button', { name: 'Supprimer pour tous' }).click();
	await expect(page).toHaveURL('/sent');
	await expect(page.getByRole('status').filter({ hasText: 'supprimé' })).toContainText(
		'Le message a été supprimé pour tous ses destinataires.'
	);
	await expect(page.locator(`li.sent-item[data-message-id="${messageId}"]`)).toHaveCount(0);
	const gone = await partnerPage.goto(`/messages/${messageId}`);
	expect(gone?.status()).toBe(404);
	await expect(partnerPage.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
	await expect(partnerPage.getByText("Ce message n'existe pas, a été supprimé, ou ne vous est pas adressé.")).toBeVisible();
	// Chromium logs the page's own 404: expected here
	browserErrors.splice(0, browserErrors.length, ...browserErrors.filter((error) => !error.includes('status of 404')));
	await checkPage(partnerPage, 'message-not-found');
});

test('a file uploads as soon as it is chosen, with progress, speed and time left; cancelling it leaves nothing', async ({
	page,
	plex,
	checkPage,
	browserName
}) => {
	test.skip(browserName !== 'chromium', 'slows the upload down through the Chrome DevTools Protocol');
	const subject = unique('Envoi annulé');
	await signIn(page.request, demoAccount(plex, 'agent'));
	await page.goto('/compose');
	const recipients = page.getByRole('combobox', { name: 'Destinataires' });
	await recipients.fill(demoAccount(plex, 'admin').email);
	await recipients.press('Enter');
	await page.getByLabel('Objet').fill(subject);

	// about 250 kB/s up: the upload lasts about 12 s, time enough for the checks below to act while it runs
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 250_000 });
	const created = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/uploads');
	await page.locator('#files').setInputFiles({ name: 'gros.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3_000_000) });

	// the upload starts at once (tus creation), with its own progress
	const uploadUrl = new URL((await created).headers()['location']!, page.url()).pathname;
	const fileProgress = page.getByRole('progressbar', { name: 'Envoi de gros.bin' });
	await expect(fileProgress).toBeVisible();
	await expect(page.locator('#file-0-detail')).toContainText(/\d+ %.*sur 2,9\u00a0Mo.*\/s.*temps restant/s);

	// "Envoyer" waits for the upload, with the overall progress
	await page.getByRole('button', { name: 'Envoyer' }).click();
	const progress = page.getByRole('progressbar', { name: 'Envoi des fichiers…' });
	await expect(progress).toBeVisible();
	await expect(page.locator('#upload-detail')).toContainText(/\d+ %.*sur 2,9\u00a0Mo.*\/s.*temps restant/s);
	expect(Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
	await checkPage(page, 'compose-uploading');

	// cancelling the sending keeps the file; cancelling the file terminates its upload
	await page.getByRole('button', { name: "Annuler l'envoi", exact: true }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Envoi annulé' })).toHaveText("Envoi annulé : aucun message n'a été envoyé.");
	await expect(page.getByRole('button', { name: 'Envoyer' })).toBeEnabled();
	const terminated = page.waitForResponse((response) => response.request().method() === 'DELETE');
	await page.getByRole('button', { name: "Annuler l'envoi de gros.bin" }).click();
	expect((await terminated).status()).toBe(204);
	expect(new URL((await terminated).url()).pathname).toBe(uploadUrl);
	await expect(page.getByRole('list', { name: 'Fichiers choisis' })).toHaveCount(0);
	const gone = await page.request.head(uploadUrl, { headers: { 'Tus-Resumable': '1.0.0' } });
	expect(gone.status()).toBe(404);

	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
	await page.goto('/sent');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Messages envoyés');
	await expect(page.getByText(subject)).toHaveCount(0);
});

test('an upload cut by the network resumes by itself, and the message is sent whole', async ({
	page,
	plex,
	browserName,
	browserErrors
}) => {
	const subject = unique('Envoi repris');
	const buffer = randomBytes(3_000_000);
	await signIn(page.request, demoAccount(plex, 'agent'));
	await page.goto('/compose');
	const recipients = page.getByRole('combobox', { name: 'Destinataires' });
	await recipients.fill(demoAccount(plex, 'admin').email);
	await recipients.press('Enter');
	await page.getByLabel('Objet').fill(subject);

	// the connection breaks in the middle of the first PATCH: the server gets its first MiB, the
	// browser a network error
	const patches: number[] = [];
	page.on('request', (request) => {
		if (request.method() === 'PATCH') patches.push(Number(request.headers()['upload-offset']));
	});
	let cut = false;
	let partial = false;
	await page.route('**/uploads/*', async (route) => {
		const request = route.request();
		if (request.method() !== 'PATCH' || cut) return route.fallback();
		cut = true;
		// Firefox (WebDriver BiDi) does not hand the body to the test: there, the request fails
		// before any byte arrives, and the retry starts from 0
		const body = request.postDataBuffer();
		if (body?.length === buffer.length) {
			const part = body.subarray(0, 1024 * 1024);
			await route.fetch({ postData: part, headers: { ...request.headers(), 'content-length': String(part.length) } });
			partial = true;
		}
		await route.abort('connectionreset');
	});
	await page.locator('#files').setInputFiles({ name: 'repris.bin', mimeType: 'application/octet-stream', buffer });
	const item = page.locator('li.chosen-file[data-upload]');
	await expect(item).toHaveAttribute('data-upload', 'done', { timeout: 30_000 });
	// it went on from the server's offset, not from the start
	expect(cut).toBe(true);
	expect(patches.length).toBeGreaterThanOrEqual(2);
	expect(patches[0]).toBe(0);
	if (partial) expect(patches.at(-1)).toBeGreaterThan(0);
	else expect(browserName).toBe('firefox');

	await page.getByRole('button', { name: 'Envoyer' }).click();
	await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/, { timeout: 20_000 });
	await expect(page.locator('li[data-file="repris.bin"] [data-sha256]')).toHaveText(sha256(buffer));
	// the request cut on purpose is logged by Chromium: expected here
	browserErrors.splice(0, browserErrors.length);
});

test('an upload interrupted by a page reload resumes when the same file is chosen again', async ({
	page,
	plex,
	browserName,
	browserErrors
}) => {
	test.skip(browserName !== 'chromium', 'slows the upload down through the Chrome DevTools Protocol');
	const subject = unique('Repris après rechargement');
	const buffer = randomBytes(3_000_000);
	// a file on disk keeps its date, which tells the browser it is the same file
	const dir = await mkdtemp(join(tmpdir(), 'plex-e2e-'));
	const path = join(dir, 'rechargé.bin');
	await writeFile(path, buffer);

	await signIn(page.request, demoAccount(plex, 'agent'));
	await page.goto('/compose');
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 250_000 });
	const created = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/uploads');
	await page.locator('#files').setInputFiles(path);
	const uploadUrl = new URL((await created).headers()['location']!, page.url()).pathname;
	// part of the file is on the server when the page is reloaded
	await expect(page.locator('#file-0-detail')).toContainText(/([3-9]\d|\d{3}) %/, { timeout: 20_000 });
	await page.reload();
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
	const stored = await page.request.head(uploadUrl, { headers: { 'Tus-Resumable': '1.0.0' } });
	const offset = Number(stored.headers()['upload-offset']);
	expect(offset).toBeGreaterThan(0);

	const patches: { url: string; offset: number }[] = [];
	page.on('request', (request) => {
		if (request.method() === 'PATCH') patches.push({ url: new URL(request.url()).pathname, offset: Number(request.headers()['upload-offset']) });
	});
	const recipients = page.getByRole('combobox', { name: 'Destinataires' });
	await recipients.fill(demoAccount(plex, 'admin').email);
	await recipients.press('Enter');
	await page.getByLabel('Objet').fill(subject);
	await page.locator('#files').setInputFiles(path);
	await expect(page.locator('li.chosen-file[data-upload]')).toHaveAttribute('data-upload', 'done', { timeout: 30_000 });
	// the same upload went on from the server's offset
	expect(patches[0]).toEqual({ url: uploadUrl, offset });

	await page.getByRole('button', { name: 'Envoyer' }).click();
	await expect(page).toHaveURL(/\/messages\/[0-9a-f-]{36}$/, { timeout: 20_000 });
	await expect(page.locator('li[data-file="rechargé.bin"] [data-sha256]')).toHaveText(sha256(buffer));
	// the browser keeps nothing of a finished upload
	expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('tus::')))).toEqual([]);
	// the request cut by the reload is logged by Chromium: expected here
	browserErrors.splice(0, browserErrors.length);
});

test('the partner\'s inbox shows a new message live; the agent\'s Sent view shows it viewed and downloaded live', async ({
	page,
	plex,
	checkPage,
	newSession
}) => {
	const agent = demoAccount(plex, 'agent');
	const partner = demoAccount(plex, PARTNER);
	const subject = unique('Message en direct');

	// the partner's inbox is open, in a second browser context, before the message exists
	const partnerPage = await openInbox(newSession, partner);
	// the live connection stays up all along: opening and downloading do not drop it
	const reconnections: string[] = [];
	partnerPage.on('websocket', (socket) => reconnections.push(socket.url()));
	const item = partnerPage.locator('.message-item').filter({ hasText: subject });
	await expect(item).toHaveCount(0);

	await signIn(page.request, agent);
	const messageId = await sendByApi(page.request, partner.email, subject);

	// the message appears without a reload, announced in the status region
	await expect(item).toHaveClass(/unread/);
	await expect(item).toContainText('De Bruno Greffier');
	await expect(partnerPage.getByRole('status').filter({ hasText: 'Nouveau message' })).toHaveText(
		`Nouveau message de Bruno Greffier : ${subject}`
	);
	await checkPage(partnerPage, 'inbox-live-notice');

	// the agent's Sent view, open while the partner reads
	await page.goto('/sent');
	await expectLive(page);
	const tracking = page.locator(`li.sent-item[data-message-id="${messageId}"] li[data-recipient="${partner.email}"]`);
	await expect(tracking.locator('[data-status="viewed"]')).not.toContainText(/Vu\s+le/);
	await expect(tracking.locator('li[data-downloaded="true"]')).toHaveCount(0);

	await item.getByRole('link').click();
	await expect(partnerPage).toHaveURL(`/messages/${messageId}`);
	await expect(tracking.locator('[data-status="viewed"]')).toContainText(/Vu\s+le/);

	const [download] = await Promise.all([
		partnerPage.waitForEvent('download'),
		partnerPage.getByRole('button', { name: 'Télécharger note.txt' }).click()
	]);
	expect(download.suggestedFilename()).toBe('note.txt');
	await expect(tracking.locator('li[data-file="note.txt"]')).toContainText(/Téléchargé\s+le/);
	await checkPage(page, 'sent-live');

	// the agent deletes the message while the partner reads it: the partner's page leaves it, saying why
	await graphql(page.request, 'mutation D($id: ID!) { deleteMessage(id: $id) }', { id: messageId });
	await expect(partnerPage).toHaveURL((url) => url.pathname === '/');
	await expect(partnerPage.getByRole('status').filter({ hasText: 'supprimé' })).toHaveText(
		'Ce message a été supprimé par Bruno Greffier.'
	);
	await expect(item).toHaveCount(0);
	await expect(page.locator(`li.sent-item[data-message-id="${messageId}"]`)).toHaveCount(0);
	expect(reconnections).toEqual([]);
	await checkPage(partnerPage, 'inbox-live-deleted');
});

test('after the live connection drops, the inbox catches up once it is back', async ({ page, plex, newSession }) => {
	const agent = demoAccount(plex, 'agent');
	const partner = demoAccount(plex, PARTNER);
	const subject = unique('Pendant la coupure');

	// the page's WebSocket goes through the test, which can cut it and refuse reconnections
	let down = false;
	let current: WebSocketRoute | undefined;
	await page.routeWebSocket(/\/graphql$/, (socket) => {
		if (down) {
			socket.close({ code: 1012, reason: 'Service Restart' });
			return;
		}
		socket.connectToServer();
		current = socket;
	});
	await signIn(page.request, partner);
	await page.goto('/');
	await expectLive(page);

	down = true;
	await current!.close({ code: 1012, reason: 'Service Restart' });
	await expect(page.locator('html')).toHaveAttribute('data-live', 'disconnected');

	// sent while the partner's page is not listening: no event reaches it
	const agentContext = await newSession();
	await signIn(agentContext.request, agent);
	await sendByApi(agentContext.request, partner.email, subject);
	await page.waitForTimeout(500);
	const item = page.locator('.message-item').filter({ hasText: subject });
	await expect(item).toHaveCount(0);

	// graphql-ws reconnects by itself; the page then reloads its messages once
	down = false;
	await expectLive(page);
	await expect(item).toHaveClass(/unread/);
});

test('the inbox shows 20 messages, then more on "Plus de messages"', async ({ page, plex, newSession }) => {
	// the admin's inbox receives only from this test: fill it past one page
	const admin = demoAccount(plex, 'admin');
	const agentContext = await newSession();
	await signIn(agentContext.request, demoAccount(plex, 'agent'));
	const batch = unique('Lot');
	for (let first = 1; first <= 21; first += 7) {
		await Promise.all(
			Array.from({ length: 7 }, (_, i) => sendByApi(agentContext.request, admin.email, `${batch} n° ${first + i}`))
		);
	}

	await signIn(page.request, admin);
	await page.goto('/');
	const links = page.locator('.message-item .message-link');
	await expect(links).toHaveCount(20);
	// newest first, all unread
	await expect(links.first()).toHaveAccessibleName(new RegExp(`^Non lu ${batch} n° (1[5-9]|2[01])$`));
	await page.getByRole('button', { name: 'Plus de messages' }).click();
	await expect.poll(() => links.count()).toBeGreaterThan(20);
	// the focus goes to the first message added, to read on from there
	await expect(links.nth(20)).toBeFocused();
	await expect(page.getByRole('status').filter({ hasText: /de plus affichés?\./ })).toBeAttached();
	await expect(page).toHaveURL((url) => url.searchParams.get('shown') === '40');

	// a live refresh (a new message) keeps what was shown, with the new message on top
	const shown = await links.count();
	await expectLive(page);
	const late = `${batch} n° 22`;
	await sendByApi(agentContext.request, admin.email, late);
	await expect(links.first()).toHaveAccessibleName(`Non lu ${late}`);
	expect(await links.count()).toBeGreaterThanOrEqual(Math.min(40, shown + 1));
});

test('preferences are saved at once, announced, and persist across reload', async ({ page, plex, checkPage }) => {
	await signIn(page.request, demoAccount(plex, 'agent'));
	await page.goto('/preferences');
	await expect(page).toHaveTitle('Préférences — PLEX');
	const labels = [
		"Quand un message est sur le point d'expirer (premier avertissement)",
		"Quand un message est sur le point d'expirer (second avertissement)",
		'Quand un destinataire télécharge un fichier',
		'Quand je reçois un nouveau message',
		'Quand un message est vu',
		'Quand un message est supprimé'
	];
	for (const label of labels) await expect(page.getByRole('switch', { name: label })).toBeVisible();
	await checkPage(page, 'preferences');

	const viewed = page.getByRole('switch', { name: 'Quand un message est vu' });
	const initial = await viewed.isChecked();
	await viewed.focus();
	await page.keyboard.press('Space');
	await expect(page.getByRole('status').filter({ hasText: 'Enregistré' })).toHaveText(
		`Enregistré. Notification ${initial ? 'désactivée' : 'activée'} : quand un message est vu.`
	);
	await checkPage(page, 'preferences-saved');

	await page.reload();
	await expect(viewed).toBeChecked({ checked: !initial });
	// and back, so that the demo account keeps its mails
	await viewed.click();
	await expect(page.getByRole('status').filter({ hasText: 'Enregistré' })).toBeVisible();
	await page.reload();
	await expect(viewed).toBeChecked({ checked: initial });
});

test('a partner sees their support contact; the administration is refused to non-admins', async ({
	page,
	plex,
	checkPage,
	browserErrors
}) => {
	await signIn(page.request, demoAccount(plex, PARTNER));
	await page.goto('/');
	const navigation = page.getByRole('navigation', { name: 'Navigation principale' });
	await expect(navigation.getByRole('link')).toHaveText([
		'Boîte de réception',
		'Envoyés',
		'Nouveau message',
		'Préférences',
		'Assistance'
	]);

	await navigation.getByRole('link', { name: 'Assistance' }).click();
	await expect(page).toHaveTitle('Assistance — PLEX');
	await expect(page.locator('[data-support-contact]')).toHaveText('support-plex@cnej.org');
	await expect(page.getByText("L'utilisation du navigateur Mozilla Firefox est préconisée.")).toBeVisible();
	await checkPage(page, 'assistance');
	await expectPhoneLayout(page, 'assistance-phone');

	const response = await page.goto('/admin');
	expect(response?.status()).toBe(403);
	// Chromium logs the page's own 403: expected here
	const unexpected = browserErrors.filter((error) => !error.includes('status of 403'));
	browserErrors.splice(0, browserErrors.length, ...unexpected);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accès refusé');
	await expect(page.getByText("L'administration de PLEX est réservée aux administrateurs.")).toBeVisible();
	await checkPage(page, 'admin-forbidden');
});

test('an admin imports a CSV address list, sees the line-by-line report, and reads a message log', async ({
	page,
	plex,
	checkPage,
	newSession
}) => {
	const tag = uniqueTag();
	const newPartner = `partenaire.${tag}@cabinet.example`;
	const newAgent = `agent.${tag}@justice.example`;

	// a message to look up, sent by the agent from another session
	const agentContext = await newSession();
	await signIn(agentContext.request, demoAccount(plex, 'agent'));
	const subject = unique('Journal');
	const messageId = await sendByApi(agentContext.request, demoAccount(plex, PARTNER).email, subject);

	await signIn(page.request, demoAccount(plex, 'admin'));
	await page.goto('/');
	await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Administration' }).click();
	await expect(page).toHaveTitle('Administration — PLEX');
	await checkPage(page, 'admin');

	const csv = [
		'email,name,role,organization,organization_kind',
		`${newPartner},Maître ${tag},partner,Cabinet ${tag},lawyer`,
		`${newAgent},Agent ${tag},agent,,`,
		`pas-une-adresse,Personne,agent,,`
	].join('\n');
	await page.getByLabel('Contenu du fichier').fill(csv);
	await page.getByRole('button', { name: 'Importer' }).click();
	const report = page.locator('.import-report');
	await expect(report.getByRole('heading', { name: "Rapport d'import" })).toBeFocused();
	await expect(report.getByRole('status')).toHaveText('2 comptes créés, 0 mis à jour, 0 inchangé, 1 ligne refusée.');
	await expect(report.locator('tr[data-line="2"]')).toContainText(newPartner);
	await expect(report.locator('tr[data-line="2"]')).toHaveAttribute('data-outcome', 'created');
	await expect(report.locator('tr[data-line="3"]')).toHaveAttribute('data-outcome', 'created');
	await expect(report.locator('tr[data-line="4"]')).toHaveAttribute('data-outcome', 'rejected');
	await expect(report.locator('tr[data-line="4"]')).toContainText('Refusé :');
	await checkPage(page, 'admin-import-report');

	// one account by hand
	const created = `cree.${tag}@justice.example`;
	await page.getByLabel('Adresse e-mail', { exact: true }).fill(created);
	await page.getByLabel('Nom affiché').fill(`Agent créé ${tag}`);
	await page.getByLabel('Profil').selectOption('AGENT');
	await page.getByRole('button', { name: 'Créer le compte' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Compte créé' })).toContainText(
		`Compte créé pour Agent créé ${tag} (${created}) : un courriel d'activation lui a été envoyé.`
	);

	// the imported partner is in the directory, waiting for activation
	await page.getByLabel('Nom ou adresse e-mail').fill(tag);
	await page.getByRole('button', { name: 'Rechercher' }).click();
	await expect(page).toHaveURL(new RegExp(`/admin\\?q=${tag}`));
	const row = page.locator(`tr[data-user="${newPartner}"]`);
	await expect(row).toContainText("En attente d'activation");
	await row.getByRole('button', { name: /^Renvoyer l'activation/ }).click();
	await expect(page.getByRole('status').filter({ hasText: 'nouveau lien' })).toContainText(
		`Un nouveau lien d'activation a été envoyé à ${newPartner}.`
	);
	await page.locator(`tr[data-user="${newAgent}"]`).getByRole('button', { name: /^Désactiver/ }).click();
	await page.getByRole('dialog', { name: 'Désactiver ce compte ?' }).getByRole('button', { name: 'Désactiver le compte' }).click();
	await expect(page.locator(`tr[data-user="${newAgent}"]`)).toContainText('Désactivé');
	await expectPhoneLayout(page, 'admin-phone');

	// a message's audit log and receipt, by its id
	await page.getByLabel('Identifiant du message').fill(messageId);
	await page.getByRole('button', { name: 'Afficher le journal' }).click();
	const log = page.getByRole('table', { name: `Journal du message ${messageId} (heures UTC)` });
	await expect(log).toContainText('Message envoyé');
	await expect(log).toContainText('Destinataire notifié');
	await checkPage(page, 'admin-audit-log');
	await page.getByRole('link', { name: "Voir l'accusé de réception de ce message" }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accusé de réception');
	await expect(page.getByText(subject).first()).toBeVisible();
	await checkPage(page, 'admin-receipt');
});
