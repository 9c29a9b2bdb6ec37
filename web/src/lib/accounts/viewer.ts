// The signed-in user as the web app sees it, and how their role reads in French.
import type { MeQuery, Role } from '#lib/graphql/generated/graphql.ts';

export type Viewer = NonNullable<MeQuery['me']>;

export const ROLE_LABELS: Record<Role, string> = {
	AGENT: 'Agent du ministère',
	PARTNER: 'Partenaire',
	ADMIN: 'Administrateur'
};

export function roleLabel(role: Role): string {
	return ROLE_LABELS[role] ?? role;
}
