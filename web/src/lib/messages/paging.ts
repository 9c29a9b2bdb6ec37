// How many messages a box shows at first and adds on "Plus de messages".
export const PAGE_SIZE = 20;
