// The administration page's `load` depends on this; its actions reload it after a change.
export const USERS_DEPENDENCY = 'plex:users';
