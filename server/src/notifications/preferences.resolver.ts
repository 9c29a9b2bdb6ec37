// GraphQL edge of notification preferences.
import { Arg, Ctx, Field, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../accounts/accounts.service.js';
import type { Context } from '../context.js';
import { Preferences, PREFERENCE_KEYS, type PreferenceKey } from './preferences.entity.js';

@InputType('PreferencesInput', { description: 'The switches to change; those left out keep their value.' })
class PreferencesInput {
  @Field(() => Boolean, { nullable: true }) expiryFirstWarning?: boolean | null;
  @Field(() => Boolean, { nullable: true }) expirySecondWarning?: boolean | null;
  @Field(() => Boolean, { nullable: true }) fileDownloaded?: boolean | null;
  @Field(() => Boolean, { nullable: true }) messageReceived?: boolean | null;
  @Field(() => Boolean, { nullable: true }) messageViewed?: boolean | null;
  @Field(() => Boolean, { nullable: true }) messageDeleted?: boolean | null;
}

@Resolver()
export class PreferencesResolver {
  @Query(() => Preferences, { description: "The viewer's e-mail notification switches." })
  preferences(@Ctx() ctx: Context): Promise<Preferences> {
    return ctx.services.preferences.get(ctx.em, requireViewer(ctx.viewer).user.id);
  }

  @Mutation(() => Preferences)
  updatePreferences(@Arg('input', () => PreferencesInput) input: PreferencesInput, @Ctx() ctx: Context): Promise<Preferences> {
    const changes: Partial<Record<PreferenceKey, boolean>> = {};
    for (const key of PREFERENCE_KEYS) if (typeof input[key] === 'boolean') changes[key] = input[key];
    return ctx.services.preferences.update(ctx.em, requireViewer(ctx.viewer).user.id, changes);
  }
}
