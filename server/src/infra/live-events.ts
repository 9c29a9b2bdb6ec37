// Live events across instances, through PostgreSQL LISTEN/NOTIFY. Every topic and payload type is
// here. A change publishes inside its own transaction (`pg_notify` is delivered only on commit, so
// a rolled-back send is never announced); payloads carry ids and times only, and each instance
// decides which of its local subscribers the event concerns, then the resolvers reload what that
// subscriber may see. The same channel tells every instance to re-check a user's sockets after a
// logout, a password reset, a disabling or a token revocation.
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.js';

export type LiveTopic = 'messageReceived' | 'messageViewed' | 'fileDownloaded' | 'messageDeleted' | 'messageExpired';

export interface LiveEvent {
  /** Unique per event: a subscription never gets the same id twice. */
  id: string;
  topic: LiveTopic;
  messageId: string;
  /** The users the event is for (decided by the publisher, which knows the parties). */
  to: string[];
  /** Who acted: the recipient who viewed or downloaded, the user who deleted. */
  actorId?: string;
  fileId?: string;
  at: string;
}

interface AuthChanged {
  kind: 'auth';
  userId: string;
}

const CHANNEL = 'plex_events';
/** How many event ids a subscription remembers to drop duplicates. */
const SEEN_LIMIT = 1000;

/** A pushable async iterator, one per subscription. */
class Queue<T> implements AsyncIterableIterator<T> {
  private values: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) next({ value, done: false });
    else this.values.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length) return Promise.resolve({ value: this.values.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.onClose();
      for (const resolve of this.waiting.splice(0)) resolve({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

interface Subscriber {
  topic: LiveTopic;
  queue: Queue<LiveEvent>;
  seen: Set<string>;
}

export class LiveEvents {
  private client: pg.Client | undefined;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly authListeners = new Set<(userId: string) => void>();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'plex-live-events' });
    this.client.on('error', (error) => this.log.error({ err: error }, 'live events connection lost'));
    this.client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        this.dispatch(JSON.parse(message.payload) as LiveEvent | AuthChanged);
      } catch (error) {
        this.log.error({ err: error }, 'bad live event payload');
      }
    });
    await this.client.connect();
    await this.client.query(`listen ${CHANNEL}`);
  }

  async stop(): Promise<void> {
    for (const set of this.subscribers.values()) for (const subscriber of set) void subscriber.queue.return();
    await this.client?.end().catch(() => {});
  }

  /** Announces an event when (and only if) the caller's transaction commits. */
  async publish(tx: EntityManager, event: Omit<LiveEvent, 'id' | 'at'> & { at: Date }): Promise<void> {
    if (event.to.length === 0) return;
    const payload: LiveEvent = { ...event, id: randomUUID(), at: event.at.toISOString() };
    await tx.execute('select pg_notify(?, ?)', [CHANNEL, JSON.stringify(payload)]);
  }

  /** Tells every instance to re-check the sockets of `userId` (after the caller's transaction commits, when in one). */
  async authChanged(em: EntityManager, userId: string): Promise<void> {
    const payload: AuthChanged = { kind: 'auth', userId };
    await em.execute('select pg_notify(?, ?)', [CHANNEL, JSON.stringify(payload)]);
  }

  onAuthChanged(listener: (userId: string) => void): () => void {
    this.authListeners.add(listener);
    return () => this.authListeners.delete(listener);
  }

  subscribe(userId: string, topic: LiveTopic): AsyncIterableIterator<LiveEvent> {
    const set = this.subscribers.get(userId) ?? new Set<Subscriber>();
    this.subscribers.set(userId, set);
    const subscriber: Subscriber = {
      topic,
      seen: new Set(),
      queue: new Queue<LiveEvent>(() => {
        set.delete(subscriber);
        if (set.size === 0) this.subscribers.delete(userId);
      }),
    };
    set.add(subscriber);
    return subscriber.queue;
  }

  private dispatch(event: LiveEvent | AuthChanged): void {
    if ('kind' in event) {
      for (const listener of this.authListeners) listener(event.userId);
      return;
    }
    for (const userId of new Set(event.to)) {
      for (const subscriber of this.subscribers.get(userId) ?? []) {
        if (subscriber.topic !== event.topic || subscriber.seen.has(event.id)) continue;
        subscriber.seen.add(event.id);
        if (subscriber.seen.size > SEEN_LIMIT) subscriber.seen.delete(subscriber.seen.values().next().value!);
        subscriber.queue.push(event);
      }
    }
  }
}
