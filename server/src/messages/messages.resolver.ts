// GraphQL edge of messages and downloads: reads arguments, calls the services, returns.
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../accounts/accounts.service.js';
import { User } from '../accounts/user.entity.js';
import type { Context } from '../context.js';
import { badInput, PlexError } from '../errors.js';
import { DownloadLink } from '../files/download-link.entity.js';
import { StoredFile } from '../files/stored-file.entity.js';
import type { FileUpload } from '../graphql/multipart.js';
import { MessageRecipient } from './message-recipient.entity.js';
import { Message } from './message.entity.js';

enum MessageStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  ALL = 'ALL',
}
registerEnumType(MessageStatus, { name: 'MessageStatus', description: 'Which messages a box lists: not expired yet, expired, or all.' });

@InputType('SendMessageInput')
class SendMessageInput {
  @Field(() => [String], { description: 'E-mail addresses of active directory users (1 to 50).' })
  recipients!: string[];

  @Field(() => String, { description: '1 to 200 characters.' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'Up to 5,000 characters.' })
  comment?: string | null;

  @Field(() => Int, { description: 'Whole days, 1 to 15.' })
  lifetimeDays!: number;

  @Field(() => [GraphQLUpload], { nullable: true, description: 'Files by the GraphQL multipart request spec (header apollo-require-preflight: true).' })
  files?: Promise<FileUpload>[] | null;

  @Field(() => [ID], { nullable: true, description: 'Completed resumable (tus) uploads of the sender.' })
  uploads?: string[] | null;
}

@ObjectType('MessagePage')
class MessagePage {
  @Field(() => [Message])
  items!: Message[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' })
  nextCursor!: string | null;
}

@ObjectType('FileDownloadRecord', { description: 'A complete download of a file by a recipient.' })
class FileDownloadRecord {
  @Field(() => StoredFile)
  file!: StoredFile;

  @Field(() => Date)
  at!: Date;
}

@Resolver(() => Message)
export class MessagesResolver {
  @Query(() => MessagePage, { description: 'Messages received, newest first.' })
  inbox(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('status', () => MessageStatus, { nullable: true }) status: MessageStatus | undefined,
    @Ctx() ctx: Context,
  ): Promise<MessagePage> {
    return ctx.services.messages.inbox(ctx.em, requireViewer(ctx.viewer), first ?? undefined, after, status ?? MessageStatus.ALL);
  }

  @Query(() => MessagePage, { description: 'Messages sent, newest first.' })
  sent(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Arg('status', () => MessageStatus, { nullable: true }) status: MessageStatus | undefined,
    @Ctx() ctx: Context,
  ): Promise<MessagePage> {
    return ctx.services.messages.sent(ctx.em, requireViewer(ctx.viewer), first ?? undefined, after, status ?? MessageStatus.ALL);
  }

  @Query(() => Message, { nullable: true, description: 'A message the viewer sent or received; NOT_FOUND otherwise.' })
  message(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Message> {
    return ctx.services.messages.findForParty(ctx.em, requireViewer(ctx.viewer), id);
  }

  @Mutation(() => Message, { description: 'Sends documents to recipients of the directory; visible only once every file is stored.' })
  async sendMessage(@Arg('input', () => SendMessageInput) input: SendMessageInput, @Ctx() ctx: Context): Promise<Message> {
    const viewer = requireViewer(ctx.viewer);
    const message = await ctx.services.messages.send(ctx.em, viewer, {
      recipients: input.recipients,
      subject: input.subject,
      comment: input.comment,
      lifetimeDays: input.lifetimeDays,
      files: (input.files ?? []).map((upload) => async () => {
        const file = await upload.catch((error: unknown) => {
          // Refusals that say what went wrong (files out of order; 413, which the service words) pass through.
          if (error instanceof PlexError || (error as { status?: number } | null)?.status === 413) throw error;
          throw badInput(
            { fr: 'Un fichier est arrivé mal formé ou incomplet : renvoyez le message.', en: 'A file arrived malformed or incomplete: send the message again.' },
            { field: 'files' },
          );
        });
        return { name: file.filename, open: () => file.createReadStream() };
      }),
      uploads: input.uploads ?? [],
    });
    return ctx.services.messages.findForParty(ctx.em.fork(), viewer, message.id);
  }

  @Mutation(() => Message, { description: "Records the viewer's first view of a message they received." })
  openMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Message> {
    return ctx.services.messages.open(ctx.em, requireViewer(ctx.viewer), id);
  }

  @Mutation(() => DownloadLink, { description: 'A 10-minute URL to download one file.' })
  download(@Arg('fileId', () => ID) fileId: string, @Ctx() ctx: Context): Promise<DownloadLink> {
    return ctx.services.downloads.linkForFile(ctx.em, requireViewer(ctx.viewer), fileId);
  }

  @Mutation(() => DownloadLink, { description: 'A 10-minute URL to download every file of a message as one zip.' })
  downloadAll(@Arg('messageId', () => ID) messageId: string, @Ctx() ctx: Context): Promise<DownloadLink> {
    return ctx.services.downloads.linkForMessage(ctx.em, requireViewer(ctx.viewer), messageId);
  }

  @Mutation(() => Boolean, { description: 'By the sender: deleted for everyone and files purged. By a recipient: hidden from their inbox.' })
  async deleteMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.messages.delete(ctx.em, requireViewer(ctx.viewer), id);
    return true;
  }

  @FieldResolver(() => [MessageRecipient])
  recipients(@Root() message: Message, @Ctx() ctx: Context): MessageRecipient[] {
    const viewerId = ctx.viewer?.user.id;
    const isSender = message.sender.id === viewerId;
    // Recipients see who else received it, but only their own view time.
    return message.recipientLinks.getItems().map((r) => (isSender || r.user.id === viewerId ? r : Object.assign(Object.create(MessageRecipient.prototype), r, { viewedAt: null })));
  }

  @FieldResolver(() => [StoredFile])
  files(@Root() message: Message): StoredFile[] {
    return message.fileList.getItems();
  }

  @FieldResolver(() => Boolean, { description: 'True from expiresAt on: nothing can be downloaded any more.' })
  expired(@Root() message: Message, @Ctx() ctx: Context): boolean {
    return ctx.services.messages.isExpired(message);
  }
}

@Resolver(() => MessageRecipient)
export class RecipientResolver {
  @FieldResolver(() => [FileDownloadRecord], { description: "The sender's view: complete downloads by this recipient (empty for others)." })
  async downloads(@Root() recipient: MessageRecipient, @Ctx() ctx: Context): Promise<FileDownloadRecord[]> {
    return ctx.loaders.downloads.load(`${recipient.message.id}:${recipient.user.id}`);
  }
}

export { User };
