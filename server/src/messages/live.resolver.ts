// GraphQL subscriptions: live events for the users they concern, carrying what that user may see.
// The payload of an event is ids only; each is resolved here with the subscriber's own rights.
import { Ctx, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { requireViewer } from '../accounts/accounts.service.js';
import { User } from '../accounts/user.entity.js';
import type { Context } from '../context.js';
import { StoredFile } from '../files/stored-file.entity.js';
import type { LiveEvent, LiveTopic } from '../infra/live-events.js';
import { Message } from './message.entity.js';

@ObjectType('MessageViewedEvent', { description: 'A recipient opened a message the viewer sent, for the first time.' })
class MessageViewedEvent {
  @Field(() => Message) message!: Message;
  @Field(() => User) recipient!: User;
  @Field(() => Date) at!: Date;
}

@ObjectType('FileDownloadedEvent', { description: 'A recipient completed the download of a file the viewer sent.' })
class FileDownloadedEvent {
  @Field(() => Message) message!: Message;
  @Field(() => StoredFile) file!: StoredFile;
  @Field(() => User) recipient!: User;
  @Field(() => Date) at!: Date;
}

@ObjectType('MessageDeletedEvent', { description: 'A party deleted a message (for everyone, or from their inbox); also sent to the deleting user, for their other pages.' })
class MessageDeletedEvent {
  @Field(() => ID) messageId!: string;
  @Field(() => User) by!: User;
  @Field(() => Date) at!: Date;
}

@ObjectType('MessageExpiredEvent', { description: 'A message of the viewer expired: its files are no longer available.' })
class MessageExpiredEvent {
  @Field(() => ID) messageId!: string;
  @Field(() => Date) at!: Date;
}

/**
 * One event goes to up to 50 recipients at once: the message is loaded once per event and shared
 * by their subscriptions (each gets only events addressed to them; per-viewer masking is done by
 * the Message field resolvers).
 */
const loadedForEvent = new Map<string, Promise<Message>>();
function messageOf(event: LiveEvent, ctx: Context): Promise<Message> {
  let loading = loadedForEvent.get(event.id);
  if (!loading) {
    loading = ctx.services.messages.findForParty(ctx.em.fork(), requireViewer(ctx.viewer), event.messageId);
    loadedForEvent.set(event.id, loading);
    setTimeout(() => loadedForEvent.delete(event.id), 10_000).unref();
  }
  return loading;
}

const subscribeTo =
  (topic: LiveTopic) =>
  ({ context }: { context: Context }) =>
    context.services.live.subscribe(requireViewer(context.viewer).user.id, topic);

@Resolver()
export class LiveResolver {
  @Subscription(() => Message, { subscribe: subscribeTo('messageReceived'), description: 'A message was sent to the viewer.' })
  messageReceived(@Root() event: LiveEvent, @Ctx() ctx: Context): Promise<Message> {
    return messageOf(event, ctx);
  }

  @Subscription(() => MessageViewedEvent, { subscribe: subscribeTo('messageViewed') })
  async messageViewed(@Root() event: LiveEvent, @Ctx() ctx: Context): Promise<MessageViewedEvent> {
    const em = ctx.em.fork();
    return {
      message: await ctx.services.messages.findForParty(em, requireViewer(ctx.viewer), event.messageId),
      recipient: await em.findOneOrFail(User, { id: event.actorId }),
      at: new Date(event.at),
    };
  }

  @Subscription(() => FileDownloadedEvent, { subscribe: subscribeTo('fileDownloaded') })
  async fileDownloaded(@Root() event: LiveEvent, @Ctx() ctx: Context): Promise<FileDownloadedEvent> {
    const em = ctx.em.fork();
    const message = await ctx.services.messages.findForParty(em, requireViewer(ctx.viewer), event.messageId);
    return {
      message,
      file: message.fileList.getItems().find((f) => f.id === event.fileId) ?? (await em.findOneOrFail(StoredFile, { id: event.fileId, message: message.id })),
      recipient: await em.findOneOrFail(User, { id: event.actorId }),
      at: new Date(event.at),
    };
  }

  @Subscription(() => MessageDeletedEvent, { subscribe: subscribeTo('messageDeleted') })
  async messageDeleted(@Root() event: LiveEvent, @Ctx() ctx: Context): Promise<MessageDeletedEvent> {
    return { messageId: event.messageId, by: await ctx.em.fork().findOneOrFail(User, { id: event.actorId }), at: new Date(event.at) };
  }

  @Subscription(() => MessageExpiredEvent, { subscribe: subscribeTo('messageExpired') })
  messageExpired(@Root() event: LiveEvent): MessageExpiredEvent {
    return { messageId: event.messageId, at: new Date(event.at) };
  }
}
