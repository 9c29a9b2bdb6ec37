// A confirmation that outlives a navigation ("Message envoyé.", "Message supprimé."): set after
// `goto`, shown and announced by the layout's status region, cleared by the next navigation.
// Browser only: the server never sets it (a module-level state would be shared by all requests).
// The caller words the text in the page's language at the time it shows it (currentLocale()).

let text = $state('');

export const notice = {
	get text(): string {
		return text;
	},
	show(message: string): void {
		text = message;
	},
	clear(): void {
		text = '';
	}
};
