// Test fixtures: pages come from `browser.newContext()` (what @axe-core/playwright needs),
// pointed at the server started by global-setup.ts; `checkPage` runs axe (in Chromium) and saves a
// screenshot of every page a test visits, and fails on errors the browser logged.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { REPO_ROOT, readServerState, type ServerState } from './server-state.ts';

const SCREENSHOT_DIR = resolve(REPO_ROOT, 'test-results/screenshots');

let screenshotInProgress = false;

interface PlexFixtures {
	plex: ServerState;
	/** Errors the pages logged (CSP violations, failed loads, uncaught exceptions). */
	browserErrors: string[];
	/** Checks accessibility (0 axe violations, in Chromium) and saves a screenshot named `name`. */
	checkPage: (page: Page, name: string) => Promise<void>;
	/** Another browser context (another user, side by side), recording errors like `context`. */
	newSession: () => Promise<BrowserContext>;
}

async function openContext(
	browser: Browser,
	plex: ServerState,
	options: { locale: string | undefined; timezoneId: string | undefined },
	browserErrors: string[]
): Promise<BrowserContext> {
	const context = await browser.newContext({ baseURL: plex.baseURL, ...options });
	const record = (error: string) => {
		if (!screenshotInProgress) browserErrors.push(error);
	};
	context.on('console', (message) => {
		if (message.type() === 'error') record(`console: ${message.text()}`);
	});
	context.on('weberror', (error) => record(`uncaught: ${error.error().message}`));
	return context;
}

/** test-results/screenshots/<project>-<name>.png, the whole page. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
	await mkdir(SCREENSHOT_DIR, { recursive: true });
	// Firefox's screenshot injects a <style> that the app's CSP rightly blocks: not the app's error
	screenshotInProgress = true;
	try {
		await page.screenshot({
			path: resolve(SCREENSHOT_DIR, `${test.info().project.name}-${name}.png`),
			fullPage: true
		});
		await page.waitForTimeout(100);
	} finally {
		screenshotInProgress = false;
	}
}

export const test = base.extend<PlexFixtures>({
	plex: async ({}, use) => {
		await use(readServerState());
	},
	browserErrors: async ({}, use) => {
		await use([]);
	},
	context: async ({ browser, plex, locale, timezoneId, browserErrors }, use) => {
		const context = await openContext(browser, plex, { locale, timezoneId }, browserErrors);
		await use(context);
		await context.close();
	},
	newSession: async ({ browser, plex, locale, timezoneId, browserErrors }, use) => {
		const opened: BrowserContext[] = [];
		await use(async () => {
			const context = await openContext(browser, plex, { locale, timezoneId }, browserErrors);
			opened.push(context);
			return context;
		});
		for (const context of opened) await context.close();
	},
	checkPage: async ({ browserErrors, browserName }, use) => {
		await use(async (page, name) => {
			// axe reads the page's markup, which is the same in both browsers: it runs in Chromium,
			// where it takes a fraction of its 2 to 7 s in Firefox ESR on a 2-core machine
			if (browserName === 'chromium') {
				// PLEX pages have no frames: legacy mode runs axe in the page itself, without the blank
				// page AxeBuilder otherwise opens to merge frame results
				const results = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
				const summary = results.violations.map(
					(v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
				);
				expect(summary, `axe violations on ${name} (${page.url()})`).toEqual([]);
			}
			expect(browserErrors, `errors in the browser up to ${name}`).toEqual([]);

			await saveScreenshot(page, name);
		});
	}
});

export { expect };

/**
 * On a phone-sized screen the page fits the width (no sideways scrolling); a screenshot is saved.
 * (The same page was checked with axe at desktop size: the markup does not change.)
 */
export async function expectPhoneLayout(page: Page, name: string): Promise<void> {
	const size = page.viewportSize();
	await page.setViewportSize({ width: 360, height: 740 });
	try {
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		// name what sticks out (elements or text), to say what to fix
		const offenders =
			width <= 360
				? []
				: await page.evaluate(() => {
						const found: string[] = [];
						const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
						for (let node = walker.nextNode(); node; node = walker.nextNode()) {
							const range = document.createRange();
							range.selectNodeContents(node);
							const right = range.getBoundingClientRect().right;
							if (right > 361) found.push(`"${node.textContent?.trim().slice(0, 40)}" in ${node.parentElement?.tagName.toLowerCase()} (${Math.round(right)} px)`);
						}
						for (const element of document.querySelectorAll('body *')) {
							const right = element.getBoundingClientRect().right;
							if (right > 361) found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} (${Math.round(right)} px)`);
						}
						return found.slice(0, 6);
					});
		expect(width, `${name} fits 360 px; too wide: ${offenders.join(', ')}`).toBeLessThanOrEqual(360);
		await saveScreenshot(page, name);
	} finally {
		if (size) await page.setViewportSize(size);
	}
}
