// Fans Postgres notifications out to the SSE subscribers of this process. One LISTEN per
// process while anyone is subscribed (and none otherwise, so closed streams leave nothing
// behind). Notifications arriving within a few milliseconds are merged, then filtered per
// subscriber by the repositories they can read, with one grants query per merged batch.
import { collectionNameSchema, type CollectionName, type StreamChangeEvent } from '@wikisync/shared';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { REPLICATION_CHANNEL } from '../db/migrations/002-replication.js';

interface Notification {
  collection: CollectionName;
  repositoryId: number;
  version: number;
}

interface Subscriber {
  principal: Principal;
  onChange: (event: StreamChangeEvent) => void;
}

const FLUSH_DELAY_MS = 15;

function parseNotification(payload: string): Notification | null {
  try {
    const value = JSON.parse(payload) as { c?: unknown; r?: unknown; v?: unknown };
    const collection = collectionNameSchema.safeParse(value.c);
    if (!collection.success || typeof value.r !== 'number' || typeof value.v !== 'number') return null;
    return { collection: collection.data, repositoryId: value.r, version: value.v };
  } catch {
    return null;
  }
}

export class ChangeHub {
  private readonly subscribers = new Set<Subscriber>();
  private pending: Notification[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** Serialises LISTEN / UNLISTEN so that quick subscribe-unsubscribe pairs cannot race. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get listening(): boolean {
    return this.unlisten !== null;
  }

  /** Resolves once LISTEN is active, so every change committed afterwards reaches `onChange`. */
  async subscribe(principal: Principal, onChange: Subscriber['onChange']): Promise<() => Promise<void>> {
    const subscriber: Subscriber = { principal, onChange };
    this.subscribers.add(subscriber);
    await this.reconcile();
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      this.subscribers.delete(subscriber);
      await this.reconcile();
    };
  }

  private reconcile(): Promise<void> {
    this.lifecycle = this.lifecycle.then(async () => {
      if (this.subscribers.size > 0 && !this.unlisten) {
        this.unlisten = await this.db.listen(REPLICATION_CHANNEL, (payload) => this.receive(payload));
      } else if (this.subscribers.size === 0 && this.unlisten) {
        const stop = this.unlisten;
        this.unlisten = null;
        await stop().catch(() => {});
      }
    });
    return this.lifecycle;
  }

  private receive(payload: string): void {
    const notification = parseNotification(payload);
    if (!notification) return;
    this.pending.push(notification);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.flush().catch((error: unknown) =>
        console.error('[wikisync] change stream fan-out failed:', error),
      );
    }, FLUSH_DELAY_MS);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const subscribers = [...this.subscribers];
    if (batch.length === 0 || subscribers.length === 0) return;
    const readable = await this.readableGrants(subscribers, batch);
    for (const subscriber of subscribers) {
      const latest = new Map<CollectionName, number>();
      for (const change of batch) {
        const { isAdmin, userId } = subscriber.principal;
        if (!isAdmin && !readable.has(`${userId}:${change.repositoryId}`)) continue;
        latest.set(change.collection, Math.max(latest.get(change.collection) ?? 0, change.version));
      }
      for (const [collection, version] of latest) {
        subscriber.onChange({ collection, checkpoint: { server_version: version } });
      }
    }
  }

  /** `userId:repositoryId` pairs among this batch that have a grant (read or write). */
  private async readableGrants(subscribers: Subscriber[], batch: Notification[]): Promise<Set<string>> {
    const userIds = [
      ...new Set(subscribers.filter((s) => !s.principal.isAdmin).map((s) => s.principal.userId)),
    ];
    if (userIds.length === 0) return new Set();
    const repositoryIds = [...new Set(batch.map((change) => change.repositoryId))];
    const rows = await this.db.query<{ user_id: number; repository_id: number }>(
      `SELECT user_id, repository_id FROM repository_grants
        WHERE user_id IN (SELECT jsonb_array_elements_text($1::text::jsonb)::bigint)
          AND repository_id IN (SELECT jsonb_array_elements_text($2::text::jsonb)::bigint)`,
      [JSON.stringify(userIds), JSON.stringify(repositoryIds)],
    );
    return new Set(rows.map((row) => `${Number(row.user_id)}:${Number(row.repository_id)}`));
  }
}

const hubs = new WeakMap<Database, ChangeHub>();

/** The one hub of a database handle: all apps built on the same handle share one LISTEN. */
export function changeHubFor(db: Database): ChangeHub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new ChangeHub(db);
    hubs.set(db, hub);
  }
  return hub;
}
