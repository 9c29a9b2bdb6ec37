// Signing in, a wrong password, and a password reset through the caught e-mail.
import type { APIRequestContext, Page } from '@playwright/test';
import { demoAccount } from './server-state.ts';
import { expect, expectPhoneLayout, test } from './fixtures.ts';

interface CaughtMail {
	id: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	date: string;
}

const RESET_LINK = /https?:\/\/[^\s"'<>]+\/reset-password\?token=[^\s"'<>&]+/;

async function signIn(page: Page, email: string, password: string) {
	await page.getByLabel('Adresse e-mail').fill(email);
	await page.getByLabel('Mot de passe', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** The display name the server knows for the signed-in user of `request`'s context. */
async function displayName(request: APIRequestContext): Promise<string> {
	const response = await request.post('/graphql', {
		headers: { 'apollo-require-preflight': 'true' },
		data: { query: 'query Me { me { displayName } }' }
	});
	const body = (await response.json()) as { data?: { me: { displayName: string } | null } };
	const name = body.data?.me?.displayName;
	if (!name) throw new Error(`not signed in: ${JSON.stringify(body)}`);
	return name;
}

/** The newest reset link mailed to `email` since `since`, read from the demo mailbox. */
async function resetLinkFor(request: APIRequestContext, email: string, since: number): Promise<string> {
	let link: string | undefined;
	await expect
		.poll(
			async () => {
				const response = await request.get('/dev/mailbox.json');
				const mails = (await response.json()) as CaughtMail[];
				const mail = mails.find(
					(m) =>
						m.to.some((to) => to.toLowerCase().includes(email.toLowerCase())) &&
						Date.parse(m.date) >= since - 2_000 &&
						RESET_LINK.test(m.text)
				);
				link = mail?.text.match(RESET_LINK)?.[0];
				return link;
			},
			{ message: `a reset e-mail to ${email}`, timeout: 20_000 }
		)
		.toBeTruthy();
	return link!;
}

test('an agent signs in from the home page and signs out', async ({ page, plex, checkPage }) => {
	const agent = demoAccount(plex, 'agent');

	await page.goto('/');
	await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('redirectTo') === '/');
	await expect(page).toHaveTitle('Connexion — PLEX');
	await expect(page.getByRole('link', { name: "J'ai oublié mon mot de passe" })).toHaveAttribute(
		'href',
		'/forgot-password'
	);
	await checkPage(page, 'login');
	await expectPhoneLayout(page, 'login-phone');

	await signIn(page, agent.email, agent.password);
	await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
	const name = await displayName(page.request);
	// the home page is the inbox, greeting the user
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
	await expect(page.locator('.lead')).toContainText(`Bonjour, ${name}`);
	await expect(page.getByRole('banner')).toContainText(name);
	await expect(page.getByText('Agent du ministère')).toBeVisible();
	await expect(page).toHaveTitle('Boîte de réception — PLEX');
	await checkPage(page, 'home');
	await expectPhoneLayout(page, 'home-phone');

	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await expect(page.getByRole('button', { name: 'Se déconnecter' })).toHaveCount(0);

	// the session is over on the server too
	await page.goto('/');
	await expect(page).toHaveURL((url) => url.pathname === '/login');
});

test('a wrong password shows the French error', async ({ page, plex, checkPage }) => {
	const agent = demoAccount(plex, 'agent');

	await page.goto('/login');
	await signIn(page, agent.email, `${agent.password}-faux`);

	await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText(
		'Adresse e-mail ou mot de passe incorrect.'
	);
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await checkPage(page, 'login-error');
});

test('a partner resets a forgotten password from the e-mailed link', async ({ page, plex, checkPage }) => {
	const partner = demoAccount(plex, 'partner');
	const newPassword = `Nouveau-mot-de-passe-${Date.now()}`;

	await page.goto('/login');
	await page.getByRole('link', { name: "J'ai oublié mon mot de passe" }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/forgot-password');
	await expect(page).toHaveTitle('Mot de passe oublié — PLEX');
	// demo mode: the footer links to the caught e-mails
	await expect(page.getByRole('link', { name: 'Boîte de réception de démonstration' })).toHaveAttribute(
		'href',
		'/dev/mailbox'
	);
	await checkPage(page, 'forgot-password');

	const requestedAt = Date.now();
	await page.getByLabel('Adresse e-mail').fill(partner.email);
	await page.getByRole('button', { name: 'Envoyer' }).click();
	await expect(page.getByRole('status')).toContainText(
		"Si un compte existe pour cette adresse, un courriel contenant un lien de réinitialisation vient d'être envoyé. Le lien est valable 15 jours."
	);
	await checkPage(page, 'forgot-password-sent');

	const link = await resetLinkFor(page.request, partner.email, requestedAt);
	expect(new URL(link).origin).toBe(plex.baseURL);
	await page.goto(link);
	await expect(page).toHaveTitle('Nouveau mot de passe — PLEX');

	const rules = page.locator('#password-rules li');
	await expect(rules).not.toHaveCount(0);
	await expect(page.locator('#password-rules li[data-rule="minLength"]')).toHaveAttribute('data-met', 'false');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
	await expect(page.locator('#password-rules li[data-rule="minLength"]')).toHaveAttribute('data-met', 'false');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
	await page.getByLabel('Confirmer le nouveau mot de passe').fill(newPassword);
	await expect(page.locator('#password-rules li[data-met="false"]')).toHaveCount(0);
	await expect(page.locator('#password-rules li[data-met="true"]')).toHaveCount(await rules.count());
	await checkPage(page, 'reset-password');

	await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
	await expect(page.getByRole('status')).toContainText('Votre nouveau mot de passe est enregistré.');
	await checkPage(page, 'reset-password-done');

	await page.getByRole('link', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await signIn(page, partner.email, newPassword);
	await expect(page).toHaveURL((url) => url.pathname === '/');
	await expect(page.locator('.lead')).toContainText(`Bonjour, ${await displayName(page.request)}`);
	await expect(page.getByText('Partenaire', { exact: true })).toBeVisible();
});
