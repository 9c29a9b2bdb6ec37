// Live updates of the signed-in pages: the five message events over graphql-ws (through the app's
// urql client) make the pages that depend on `plex:messages` reload by query (refresh.ts), so the
// inbox shows a new message, the Sent view a recipient's view or download, and a message page its
// own changes, without a reload. A new message is also announced (the layout's status region).
// graphql-ws reconnects by itself after a drop; once reconnected, the pages reload once, to catch
// up with whatever happened while the socket was down.
// Browser only: started by the (app) layout on mount, stopped when it unmounts. The notices are
// worded in the page's language at the time of the event.
import { goto } from '$app/navigation';
import { graphqlClient, graphqlWsClient } from '#lib/graphql/client.ts';
import {
	LiveFileDownloadedDocument,
	LiveMessageDeletedDocument,
	LiveMessageExpiredDocument,
	LiveMessageReceivedDocument,
	LiveMessageViewedDocument
} from '#lib/graphql/generated/graphql.ts';
import { currentLocale } from '#lib/i18n/current.ts';
import { notice } from '#lib/layout/notice.svelte.ts';
import { coalesce, deletedMessageNotice, messageIdOfPath, newMessageNotice } from './live-events.ts';
import { refreshMessages } from './refresh.ts';

export type LiveState = 'connecting' | 'connected' | 'disconnected';

export interface LiveOptions {
	/** The signed-in user: their own deletions are followed by the page that made them. */
	viewerId: string;
	/** Told when the socket connects or drops (the tests read it from `<html data-live>`). */
	onState?: (state: LiveState) => void;
}

/** Subscribes to the message events; returns the function that stops them. */
export function startLiveUpdates({ viewerId, onState }: LiveOptions): () => void {
	const client = graphqlClient();
	const ws = graphqlWsClient();
	const refresh = coalesce(refreshMessages);
	let connections = 0;
	let stopped = false;

	const setState = (state: LiveState) => {
		if (!stopped) onState?.(state);
	};
	setState('connecting');

	const listeners = [
		ws.on('connected', () => {
			connections += 1;
			setState('connected');
			// after a reconnection, catch up by query: events sent while down are not replayed
			if (connections > 1) void refresh();
		}),
		ws.on('closed', () => setState('disconnected'))
	];

	const subscriptions = [
		client.subscription(LiveMessageReceivedDocument, {}).subscribe(({ data }) => {
			if (!data) return;
			notice.show(newMessageNotice(data.messageReceived, currentLocale()));
			void refresh();
		}),
		client.subscription(LiveMessageViewedDocument, {}).subscribe(({ data }) => {
			if (data) void refresh();
		}),
		client.subscription(LiveFileDownloadedDocument, {}).subscribe(({ data }) => {
			if (data) void refresh();
		}),
		client.subscription(LiveMessageDeletedDocument, {}).subscribe(({ data }) => {
			if (!data) return;
			const { messageId, by } = data.messageDeleted;
			if (messageIdOfPath(window.location.pathname) === messageId) {
				// the viewer's own deletion: the page that made it moves on by itself
				if (by.id === viewerId) return;
				void goto('/', { replace: true }).then(() =>
					notice.show(deletedMessageNotice(by, currentLocale()))
				);
				return;
			}
			void refresh();
		}),
		client.subscription(LiveMessageExpiredDocument, {}).subscribe(({ data }) => {
			if (data) void refresh();
		})
	];

	return () => {
		stopped = true;
		for (const subscription of subscriptions) subscription.unsubscribe();
		for (const off of listeners) off();
	};
}
