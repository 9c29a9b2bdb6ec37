// GraphQL edge of accounts: reads arguments, calls AccountsService, sets or clears the cookies.
import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { LOCALE_COOKIE, sessionCookieName, type Context } from '../context.js';
import { badInput } from '../errors.js';
import { parseLocale, requireViewer } from './accounts.service.js';
import { ApiToken } from './api-token.entity.js';
import { User } from './user.entity.js';

const LOCALE_COOKIE_MAX_AGE_MS = 365 * 24 * 60 * 60_000;

@ObjectType('ApiTokenCreated', { description: 'A new API token: `token` is shown this once and never again.' })
class ApiTokenCreated {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  token!: string;
}

@ObjectType('Features', { description: 'What this PLEX instance offers, for the web app.' })
class Features {
  @Field(() => Boolean, { description: 'The embedded mail catcher is in use: caught mail is readable at /dev/mailbox.' })
  mailCatcher!: boolean;

  @Field(() => GraphQLSafeInt, { description: 'The largest total size of one message, in bytes (MAX_MESSAGE_BYTES).' })
  maxMessageBytes!: number;
}

@Resolver()
export class AccountsResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when not signed in.' })
  me(@Ctx() ctx: Context): User | null {
    return ctx.viewer?.user ?? null;
  }

  @Query(() => Features)
  features(@Ctx() ctx: Context): Features {
    return { mailCatcher: ctx.services.mailCatcher, maxMessageBytes: ctx.services.config.maxMessageBytes };
  }

  @Mutation(() => User, { description: 'Signs in and sets the session cookie.' })
  async login(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string, @Ctx() ctx: Context): Promise<User> {
    if (!ctx.res) throw badInput({ fr: 'La connexion se fait par HTTP.', en: 'Signing in works over HTTP only.' });
    const signedIn = await ctx.services.accounts.login(ctx.em, email, password, { clientAddress: ctx.clientAddress });
    const secure = ctx.services.config.secureCookies;
    ctx.res.cookie(sessionCookieName(secure), signedIn.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      expires: signedIn.expiresAt,
    });
    return signedIn.user;
  }

  @Mutation(() => Boolean, { description: 'Ends this session and clears the cookie.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    const secure = ctx.services.config.secureCookies;
    ctx.res?.clearCookie(sessionCookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
    if (ctx.viewer) await ctx.services.accounts.logout(ctx.em, ctx.viewer);
    return true;
  }

  @Mutation(() => String, {
    description: 'Sets the language (fr or en) of the web app and of e-mails: saved for the signed-in user, and in the plex-lang cookie.',
  })
  async setLocale(@Arg('locale', () => String) input: string, @Ctx() ctx: Context): Promise<string> {
    const locale = parseLocale(input);
    if (ctx.viewer) await ctx.services.accounts.setLocale(ctx.em, ctx.viewer, locale);
    const secure = ctx.services.config.secureCookies;
    ctx.res?.cookie(LOCALE_COOKIE, locale, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: LOCALE_COOKIE_MAX_AGE_MS });
    // Errors later in this same operation already answer in the new language.
    ctx.locale = locale;
    return locale;
  }

  @Mutation(() => Boolean, { description: 'Mails a reset link if the address is known. Always true.' })
  async requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.requestPasswordReset(ctx.em, email, { clientAddress: ctx.clientAddress });
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets the password from an activation or reset link; ends all sessions; does not sign in.' })
  async resetPassword(@Arg('token', () => String) token: string, @Arg('password', () => String) password: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.resetPassword(ctx.em, token, password);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Changes the password; ends the other sessions.' })
  async changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.accounts.changePassword(ctx.em, requireViewer(ctx.viewer), currentPassword, newPassword);
    return true;
  }

  @Query(() => [ApiToken], { description: "The viewer's API tokens that are not revoked." })
  apiTokens(@Ctx() ctx: Context): Promise<ApiToken[]> {
    return ctx.services.accounts.listApiTokens(ctx.em, requireViewer(ctx.viewer));
  }

  @Mutation(() => ApiTokenCreated)
  async createApiToken(@Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<ApiTokenCreated> {
    const { apiToken, token } = await ctx.services.accounts.createApiToken(ctx.em, requireViewer(ctx.viewer), name);
    return { id: apiToken.id, name: apiToken.name, token };
  }

  @Mutation(() => Boolean)
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.revokeApiToken(ctx.em, requireViewer(ctx.viewer), id);
    return true;
  }
}
