// An external partner's organization (a bar, a court experts' company, an association), with the
// support contact of the guide's Annex 1 for its kind.
import { type Opt } from '@mikro-orm/core';
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum OrganizationKind {
  LAWYER = 'LAWYER',
  JUDICIAL_EXPERT = 'JUDICIAL_EXPERT',
  ASSOCIATION = 'ASSOCIATION',
  OTHER = 'OTHER',
}
registerEnumType(OrganizationKind, { name: 'OrganizationKind', description: "Kind of a partner's organization" });

/** Annex 1 of the guide: whom a partner asks for help, by kind of organization. */
export const SUPPORT_CONTACTS: Record<OrganizationKind, string> = {
  [OrganizationKind.LAWYER]: 'Le support de votre barreau (RPVA)',
  [OrganizationKind.JUDICIAL_EXPERT]: 'support-plex@cnej.org',
  [OrganizationKind.ASSOCIATION]: 'support.plex@citoyens-justice.fr',
  [OrganizationKind.OTHER]: "Le support informatique de votre organisation",
};

@ObjectType('Organization')
@Entity({ tableName: 'organizations' })
export class Organization {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 200, unique: true })
  name!: string;

  @Field(() => OrganizationKind)
  @Enum({ items: () => OrganizationKind, nativeEnumName: 'organization_kind' })
  kind!: OrganizationKind;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true })
  supportContact?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
