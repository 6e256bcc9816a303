// Fans Postgres notifications out to the SSE subscribers of this process. One LISTEN per
// process while anyone is subscribed (and none otherwise, so closed streams leave nothing
// behind). Notifications are merged while a fan-out is under way (and within one turn of the
// event loop), then filtered per subscriber by the repositories they can read, with one grants
// query per merged batch: a lone write is announced at once, a burst costs a few fan-outs.
// A stream outlives the request that authenticated it, so the hub also re-checks the tokens
// of its subscribers (one query for all of them) every second and before each fan-out, and
// ends the stream of a token that was revoked or has expired; the same timer watches grants
// (access-changes.ts).
// A change is announced only once the changes feed can serve it, i.e. below the version
// horizon (changes-feed.ts): a write that commits while an older writer is still open would
// otherwise make every client pull, find nothing, and wait for a next event that, if the older
// writer rolls back, never comes. Such changes are held, and looked at again with every
// fan-out and on a timer: soon while they are young (writers are usually short), less often
// once they have waited long (a long writer is still open).
import {
  REPLICATION_COLLECTIONS,
  collectionNameSchema,
  type CollectionName,
  type StreamChangeEvent,
} from '@wikisync/shared';
import type { Database } from '../db/database.js';
import { idList } from '../db/sql-lists.js';
import type { Principal } from '../auth/principal.js';
import { REPLICATION_CHANNEL } from '../db/migrations/002-replication.js';
import { versionHorizon } from '../db/version-horizon.js';
import { processLogger } from '../ops/logger.js';
import { announceAccessChanges, readableKeyOf, type AccessWatcher } from './access-changes.js';

interface Notification {
  collection: CollectionName;
  /** null: a catch-up after LISTEN was lost, for every repository (see `catchUp`). */
  repositoryId: number | null;
  version: number;
}

interface Subscriber extends AccessWatcher {
  onChange: (event: StreamChangeEvent) => void;
  /** Called once when the subscriber's token stops being valid; the hub drops it first. */
  onRevoked: () => void;
  /** Only changes of these repositories are announced; null: all readable ones. */
  repositories: ReadonlySet<number> | null;
}

export type SubscribeOptions = { repositories?: readonly number[] | undefined } & Partial<
  Pick<AccessWatcher, 'onAccess'>
>;

/** Upper bound on how long a revoked or expired token keeps an open stream. */
export const TOKEN_CHECK_MS = 1000;

/** Shortest and longest wait before the horizon is read again for held changes. */
const HELD_RECHECK_MS = { shortest: 10, longest: 250 };

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
  /** A fan-out is scheduled or running; notifications arriving meanwhile wait for the next. */
  private flushing = false;
  private unlisten: (() => Promise<void>) | null = null;
  /** Serialises LISTEN / UNLISTEN so that quick subscribe-unsubscribe pairs cannot race. */
  private lifecycle: Promise<void> = Promise.resolve();
  private tokenTimer: ReturnType<typeof setInterval> | null = null;
  /** Changes committed above the version horizon, announced once it passes them. */
  private held: Notification[] = [];
  /** When the changes held now were first held (0: none held). */
  private heldSince = 0;
  private heldTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly db: Database,
    private readonly tokenCheckMs = TOKEN_CHECK_MS,
  ) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get listening(): boolean {
    return this.unlisten !== null;
  }

  /** Resolves once LISTEN is active, so every change committed afterwards reaches `onChange`. */
  async subscribe(
    principal: Principal,
    onChange: Subscriber['onChange'],
    onRevoked: Subscriber['onRevoked'] = () => {},
    options: SubscribeOptions = {},
  ): Promise<() => Promise<void>> {
    const subscriber: Subscriber = {
      principal,
      onChange,
      onRevoked,
      repositories: options.repositories ? new Set(options.repositories) : null,
      onAccess: options.onAccess ?? (() => {}),
      readableKey: await readableKeyOf(this.db, principal),
    };
    this.subscribers.add(subscriber);
    this.reconcileTokenTimer();
    await this.reconcile();
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      this.subscribers.delete(subscriber);
      this.reconcileTokenTimer();
      await this.reconcile();
    };
  }

  private reconcileTokenTimer(): void {
    if (this.subscribers.size > 0 && !this.tokenTimer) {
      this.tokenTimer = setInterval(() => {
        // Access once a second too, not on every fan-out: a lost grant already hides its rows.
        Promise.all([this.dropInvalidTokens(), announceAccessChanges(this.db, [...this.subscribers])]).catch(
          (error: unknown) => processLogger().error({ err: error }, 'change stream token check failed'),
        );
      }, this.tokenCheckMs);
      this.tokenTimer.unref?.();
    } else if (this.subscribers.size === 0 && this.tokenTimer) {
      clearInterval(this.tokenTimer);
      this.tokenTimer = null;
    }
  }

  /**
   * Ends the subscriptions whose token was revoked or has expired since the stream opened.
   * The bootstrap ADMIN_TOKEN (no token row) lives as long as the configuration does.
   */
  private async dropInvalidTokens(): Promise<void> {
    const tokenIds = [
      ...new Set(
        [...this.subscribers].map((s) => s.principal.tokenId).filter((id): id is number => id !== null),
      ),
    ];
    if (tokenIds.length === 0) return;
    const rows = await this.db.query<{ id: number }>(
      `SELECT t.id FROM api_tokens t JOIN ${idList('$1')} ids ON ids.id = t.id
        WHERE t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [{ v: tokenIds }],
    );
    const valid = new Set(rows.map((row) => Number(row.id)));
    for (const subscriber of [...this.subscribers]) {
      const { tokenId } = subscriber.principal;
      if (tokenId === null || valid.has(tokenId)) continue;
      this.subscribers.delete(subscriber);
      subscriber.onRevoked();
    }
    this.reconcileTokenTimer();
    await this.reconcile();
  }

  private reconcile(): Promise<void> {
    this.lifecycle = this.lifecycle.then(async () => {
      if (this.subscribers.size > 0 && !this.unlisten) {
        this.unlisten = await this.db.listen(
          REPLICATION_CHANNEL,
          (payload) => this.receive(payload),
          () => this.catchUp(),
        );
      } else if (this.subscribers.size === 0 && this.unlisten) {
        const stop = this.unlisten;
        this.unlisten = null;
        await stop().catch(() => {});
      }
    });
    return this.lifecycle;
  }

  /**
   * LISTEN is active again after its connection was lost (a restart, a failover, a killed
   * backend): what was committed in between sent notifications no one received. Every
   * subscriber is told that each collection may have changed up to the last version drawn
   * by now, once the horizon has passed it (like any change), and pulls from its checkpoint.
   * A client whose checkpoint is already there finds nothing; none misses a row.
   */
  private catchUp(): void {
    this.db
      .query<{ drawn: number | string }>(
        `SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS drawn FROM server_version_counter`,
      )
      .then(([row]) => {
        const version = Number(row!.drawn);
        processLogger().warn({ version }, 'change stream listening again; announcing a catch-up');
        this.enqueue(
          REPLICATION_COLLECTIONS.map((collection) => ({ collection, repositoryId: null, version })),
        );
      })
      .catch((error: unknown) => processLogger().error({ err: error }, 'change stream catch-up failed'));
  }

  private receive(payload: string): void {
    const notification = parseNotification(payload);
    if (notification) this.enqueue([notification]);
  }

  private enqueue(notifications: Notification[]): void {
    this.pending.push(...notifications);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.flush()
      .catch((error: unknown) => processLogger().error({ err: error }, 'change stream fan-out failed'))
      .finally(() => {
        if (this.pending.length > 0) setImmediate(() => this.drain());
        else this.flushing = false;
      });
  }

  private async flush(): Promise<void> {
    const batch = [...this.held, ...this.pending];
    this.pending = [];
    this.held = [];
    if (batch.length === 0 || this.subscribers.size === 0) return;
    // No change is announced to a token that stopped being valid since the last check.
    await this.dropInvalidTokens();
    const subscribers = [...this.subscribers];
    if (subscribers.length === 0) return;
    const horizon = await versionHorizon(this.db);
    const ready = batch.filter((change) => change.version < horizon);
    this.hold(batch.filter((change) => change.version >= horizon));
    if (ready.length === 0) return;
    const readable = await this.readableGrants(subscribers, ready);
    for (const subscriber of subscribers) {
      const latest = new Map<CollectionName, number>();
      for (const change of ready) {
        const { isAdmin, userId } = subscriber.principal;
        if (change.repositoryId !== null) {
          if (!isAdmin && !readable.has(`${userId}:${change.repositoryId}`)) continue;
          if (subscriber.repositories && !subscriber.repositories.has(change.repositoryId)) continue;
        }
        latest.set(change.collection, Math.max(latest.get(change.collection) ?? 0, change.version));
      }
      for (const [collection, version] of latest) {
        subscriber.onChange({ collection, checkpoint: { server_version: version } });
      }
    }
  }

  /** Keeps `changes` for a later fan-out, when the horizon is read again. */
  private hold(changes: Notification[]): void {
    if (changes.length === 0) {
      this.heldSince = 0;
      return;
    }
    const now = Date.now();
    if (this.heldSince === 0) this.heldSince = now;
    this.held.push(...changes);
    if (this.heldTimer) return;
    const waited = now - this.heldSince;
    const delay = Math.min(HELD_RECHECK_MS.longest, Math.max(HELD_RECHECK_MS.shortest, waited / 2));
    this.heldTimer = setTimeout(() => {
      this.heldTimer = null;
      if (this.held.length > 0) this.enqueue([]);
    }, delay);
    this.heldTimer.unref?.();
  }

  /** `userId:repositoryId` pairs among this batch that have a grant (read or write). */
  private async readableGrants(subscribers: Subscriber[], batch: Notification[]): Promise<Set<string>> {
    const userIds = [
      ...new Set(subscribers.filter((s) => !s.principal.isAdmin).map((s) => s.principal.userId)),
    ];
    if (userIds.length === 0) return new Set();
    const repositoryIds = [
      ...new Set(batch.flatMap((change) => (change.repositoryId === null ? [] : [change.repositoryId]))),
    ];
    const rows = await this.db.query<{ user_id: number; repository_id: number }>(
      `SELECT g.user_id, g.repository_id FROM repository_grants g
         JOIN ${idList('$1')} users ON users.id = g.user_id
         JOIN ${idList('$2')} repositories ON repositories.id = g.repository_id`,
      [{ v: userIds }, { v: repositoryIds }],
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
