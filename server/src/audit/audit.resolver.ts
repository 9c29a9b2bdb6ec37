// GraphQL edge of the audit log and of receipts (proof of delivery), for a message's parties and admins.
import { Arg, Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../accounts/accounts.service.js';
import { User } from '../accounts/user.entity.js';
import type { Context } from '../context.js';
import { StoredFile } from '../files/stored-file.entity.js';
import { AuditEvent } from './audit-event.entity.js';

@ObjectType('ReceiptDownload')
class ReceiptDownload {
  @Field(() => StoredFile) file!: StoredFile;
  @Field(() => Date) at!: Date;
  @Field(() => Boolean) viaZip!: boolean;
}

@ObjectType('ReceiptRecipient')
class ReceiptRecipient {
  @Field(() => User) user!: User;
  @Field(() => Date, { nullable: true }) notifiedAt!: Date | null;
  @Field(() => Date, { nullable: true }) viewedAt!: Date | null;
  @Field(() => [ReceiptDownload]) downloads!: ReceiptDownload[];
}

@ObjectType('Receipt', { description: 'Proof of delivery of a message: who, what (fingerprints), when (UTC, to the second).' })
class Receipt {
  @Field(() => ID) messageId!: string;
  @Field(() => String) subject!: string;
  @Field(() => User) sender!: User;
  @Field(() => [ReceiptRecipient]) recipients!: ReceiptRecipient[];
  @Field(() => [StoredFile]) files!: StoredFile[];
  @Field(() => Date) sentAt!: Date;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  @Field(() => Date, { nullable: true }) purgedAt!: Date | null;
  @Field(() => [AuditEvent]) events!: AuditEvent[];
  @Field(() => String, { nullable: true, description: 'Chain hash of the last event covered.' }) lastHash!: string | null;
}

@Resolver()
export class AuditResolver {
  @Query(() => [AuditEvent], { description: "A message's log, oldest first: for its parties and admins." })
  async auditLog(@Arg('messageId', () => ID) messageId: string, @Ctx() ctx: Context): Promise<AuditEvent[]> {
    const message = await ctx.services.messages.findForParty(ctx.em, requireViewer(ctx.viewer), messageId, { forRecord: true });
    return ctx.em.find(AuditEvent, { messageId: message.id }, { orderBy: { seq: 'asc' }, populate: ['actor'] });
  }

  @Query(() => Receipt, { description: 'Proof of delivery of a message, for its parties and admins.' })
  async receipt(@Arg('messageId', () => ID) messageId: string, @Ctx() ctx: Context): Promise<Receipt> {
    const message = await ctx.services.messages.findForParty(ctx.em, requireViewer(ctx.viewer), messageId, { forRecord: true });
    const events = await ctx.em.find(AuditEvent, { messageId: message.id }, { orderBy: { seq: 'asc' }, populate: ['actor'] });
    // Times come from the chained events themselves (UTC, to the second), so the receipt says only
    // what the log it ends with (lastHash) proves.
    const notified = new Map(events.filter((e) => e.type === 'message.notified').map((e) => [e.subjectUserId, e.at]));
    const viewed = new Map<string, Date>();
    for (const e of events) if (e.type === 'message.viewed' && e.actor && !viewed.has(e.actor.id)) viewed.set(e.actor.id, e.at);
    const files = new Map(message.fileList.getItems().map((f) => [f.id, f]));
    const downloadsBy = (userId: string): ReceiptDownload[] =>
      events
        .filter((e) => e.type === 'file.downloaded' && e.actor?.id === userId)
        .flatMap((e) => (Array.isArray(e.data.files) ? (e.data.files as string[]) : []).map((id) => ({ file: files.get(id)!, at: e.at, viaZip: e.data.viaZip === true })))
        .filter((d) => d.file);
    return {
      messageId: message.id,
      subject: message.subject,
      sender: message.sender,
      recipients: message.recipientLinks.getItems().map((r) => ({
        user: r.user,
        notifiedAt: notified.get(r.user.id) ?? null,
        viewedAt: viewed.get(r.user.id) ?? null,
        downloads: downloadsBy(r.user.id),
      })),
      files: message.fileList.getItems(),
      sentAt: message.sentAt,
      expiresAt: message.expiresAt,
      deletedAt: message.deletedAt ?? null,
      purgedAt: message.purgedAt ?? null,
      events,
      lastHash: events.at(-1)?.hash ?? null,
    };
  }
}
