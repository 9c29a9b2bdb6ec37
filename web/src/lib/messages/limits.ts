// The sending rules of DESIGN.md rule 5, as the web app checks them before uploading. The
// server checks them again; its MAX_MESSAGE_BYTES may differ from the default: the pages use
// the server's value (query Features, page data `maxMessageBytes`).

/** 2 GiB, the guide's "jusqu'à 2 Go": the default, when the server could not say. */
export const MAX_MESSAGE_BYTES = 2_147_483_648;
export const MAX_FILES = 50;
export const MAX_RECIPIENTS = 50;
export const MAX_SUBJECT_LENGTH = 200;
export const MAX_COMMENT_LENGTH = 5000;
export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 15;
export const DEFAULT_LIFETIME_DAYS = 7;
