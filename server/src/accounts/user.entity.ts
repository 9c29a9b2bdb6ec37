// A person in the directory: agent, partner or admin. The e-mail is stored lower-cased, so it is
// unique regardless of case; the password hash (argon2id) never leaves the server.
import { type Opt, type Rel } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Organization } from '../directory/organization.entity.js';

export enum Role {
  AGENT = 'AGENT',
  PARTNER = 'PARTNER',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

export enum UserStatus {
  INVITED = 'INVITED',
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}
registerEnumType(UserStatus, { name: 'UserStatus' });

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];

@ObjectType('User')
@Entity({ tableName: 'users' })
export class User {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 320, unique: true })
  email!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  displayName!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  @Field(() => UserStatus)
  @Enum({ items: () => UserStatus, nativeEnumName: 'user_status' })
  status: Opt<UserStatus> = UserStatus.INVITED;

  @Field(() => String, { description: 'fr or en: the language of the web app and of e-mails' })
  @Property({ type: 'string', length: 2 })
  locale: Opt<Locale> = 'fr';

  @Field(() => Organization, { nullable: true })
  @ManyToOne({ entity: () => Organization, nullable: true })
  organization?: Rel<Organization> | null;

  @Property({ type: 'string', length: 200, nullable: true, hidden: true })
  passwordHash?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
