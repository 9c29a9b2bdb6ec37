// Vite + SvelteKit 3 configuration of the PLEX web app (Kit 3 has no svelte.config.js).
// The adapter-node build in web/build is mounted by the PLEX express server after its own
// routes (GraphQL, uploads, downloads), so the app and the API share one origin.
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// SvelteKit's route announcer (<div id="svelte-announcer" style="position: absolute; ...">,
// added in the browser) carries an inline style attribute: allow exactly that one.
// Kit 3.2.0's value; the browser tests fail on any CSP report if an upgrade changes it.
const KIT_ANNOUNCER_STYLE_HASH = 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=';

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter({ out: 'build' }),
			csp: {
				// nonces for the server-rendered pages: Kit's bootstrap script is inline
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self', 'unsafe-hashes', KIT_ANNOUNCER_STYLE_HASH],
					'img-src': ['self', 'data:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					'object-src': ['none'],
					'base-uri': ['none'],
					'form-action': ['self'],
					'frame-ancestors': ['none']
				}
			}
		})
	]
});
