// GraphQL edge of the directory: the recipients' search for everyone, account management for admins.
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../accounts/accounts.service.js';
import { Role, User } from '../accounts/user.entity.js';
import type { Context } from '../context.js';
import { OrganizationKind } from './organization.entity.js';

@InputType('CreateUserInput')
class CreateUserInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true, description: 'Found by name, or created (then organizationKind is required). Required for partners.' })
  organization?: string | null;

  @Field(() => OrganizationKind, { nullable: true })
  organizationKind?: OrganizationKind | null;

  @Field(() => String, { nullable: true, description: 'fr (default) or en' })
  locale?: string | null;
}

@ObjectType('ImportLine')
class ImportLine {
  @Field(() => Int)
  line!: number;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  reason?: string;
}

@ObjectType('ImportReport', { description: 'What a directory import did, line by line (line 1 is the header).' })
class ImportReport {
  @Field(() => [ImportLine])
  created!: ImportLine[];

  @Field(() => [ImportLine])
  updated!: ImportLine[];

  @Field(() => [ImportLine])
  unchanged!: ImportLine[];

  @Field(() => [ImportLine])
  rejected!: ImportLine[];
}

@Resolver()
export class DirectoryResolver {
  @Query(() => [User], { description: 'Active users the viewer may send to (partners see agents only).' })
  directory(
    @Arg('search', () => String, { nullable: true }) search: string | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<User[]> {
    return ctx.services.directory.searchRecipients(ctx.em, requireViewer(ctx.viewer), search ?? undefined, first ?? undefined);
  }

  @Query(() => [User], { description: 'Admins only: every account, whatever its status.' })
  users(
    @Arg('search', () => String, { nullable: true }) search: string | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Ctx() ctx: Context,
  ): Promise<User[]> {
    ctx.services.directory.assertAdmin(requireViewer(ctx.viewer));
    return ctx.services.directory.listUsers(ctx.em, search ?? undefined, first ?? undefined);
  }

  @Mutation(() => User, { description: 'Admins only: creates an invited account and mails its activation link.' })
  createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    const admin = ctx.services.directory.assertAdmin(requireViewer(ctx.viewer));
    return ctx.services.directory.createUser(ctx.em, admin, {
      ...input,
      locale: (input.locale ?? 'fr') as 'fr' | 'en',
    });
  }

  @Mutation(() => User, { description: "Admins only: disables an account and ends its sessions." })
  disableUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<User> {
    const admin = ctx.services.directory.assertAdmin(requireViewer(ctx.viewer));
    return ctx.services.directory.disableUser(ctx.em, admin, id);
  }

  @Mutation(() => Boolean, { description: 'Admins only: mails a new activation link to an invited account.' })
  async resendActivation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const admin = ctx.services.directory.assertAdmin(requireViewer(ctx.viewer));
    await ctx.services.directory.resendActivation(ctx.em, admin, id);
    return true;
  }

  @Mutation(() => ImportReport, { description: 'Admins only: imports `email,name,role,organization,organization_kind` CSV text.' })
  importDirectory(@Arg('csv', () => String) csv: string, @Ctx() ctx: Context): Promise<ImportReport> {
    const admin = ctx.services.directory.assertAdmin(requireViewer(ctx.viewer));
    return ctx.services.directory.importDirectory(ctx.em, admin, csv, ctx.locale);
  }
}
