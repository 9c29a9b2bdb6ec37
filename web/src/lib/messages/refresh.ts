// What the message pages' `load` functions depend on, and how to reload them. After the viewer's
// own actions (send, open, download, delete) the pages call `refreshMessages()`; the live events
// (messageReceived, messageViewed, fileDownloaded, messageDeleted over graphql-ws) will call it
// too, from one subscription module, when the server offers them.
import { invalidate } from '$app/navigation';

export const MESSAGES_DEPENDENCY = 'plex:messages';

export function refreshMessages(): Promise<void> {
	return invalidate(MESSAGES_DEPENDENCY);
}
