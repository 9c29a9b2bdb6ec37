// The six e-mail switches of the guide (section 4), one row per user, all on by default and
// valid for all the user's messages. They govern e-mails only; live events are always pushed.
import { type Opt, type Rel } from '@mikro-orm/core';
import { Entity, OneToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity.js';

export const PREFERENCE_KEYS = ['expiryFirstWarning', 'expirySecondWarning', 'fileDownloaded', 'messageReceived', 'messageViewed', 'messageDeleted'] as const;
export type PreferenceKey = (typeof PREFERENCE_KEYS)[number];

@ObjectType('Preferences')
@Entity({ tableName: 'preferences' })
export class Preferences {
  @OneToOne({ entity: () => User, primary: true, deleteRule: 'cascade', owner: true })
  user!: Rel<User>;

  @Field(() => Boolean, { description: "Quand un message est sur le point d'expirer (premier avertissement)" })
  @Property({ type: 'boolean', default: true })
  expiryFirstWarning: Opt<boolean> = true;

  @Field(() => Boolean, { description: "Quand un message est sur le point d'expirer (second avertissement)" })
  @Property({ type: 'boolean', default: true })
  expirySecondWarning: Opt<boolean> = true;

  @Field(() => Boolean, { description: 'Quand un destinataire télécharge un fichier' })
  @Property({ type: 'boolean', default: true })
  fileDownloaded: Opt<boolean> = true;

  @Field(() => Boolean, { description: 'Quand je reçois un nouveau message' })
  @Property({ type: 'boolean', default: true })
  messageReceived: Opt<boolean> = true;

  @Field(() => Boolean, { description: 'Quand un message est vu' })
  @Property({ type: 'boolean', default: true })
  messageViewed: Opt<boolean> = true;

  @Field(() => Boolean, { description: 'Quand un message est supprimé' })
  @Property({ type: 'boolean', default: true })
  messageDeleted: Opt<boolean> = true;
}
