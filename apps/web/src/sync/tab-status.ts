// Several tabs of one browser share one replica, and only the leader tab replicates (RxDB
// leader election). The others would never see a pull or push of their own, so their
// indicator would say "Syncing…" for ever. The leader therefore publishes its per-collection
// sync status on a BroadcastChannel named after the replica, and the other tabs show that;
// a tab that opens asks for the current status, and a tab elected later publishes its own.
// "Update required" (compatibility-gate.ts) goes to every tab the same way: only the leader
// talks to the server, so only it hears a 426, yet the app in every tab is the outdated one.
// Any tab that knows it tells the others, whoever leads, and tells a tab that opens later.
import type { CollectionName } from '@wikisync/shared';

export interface TabSyncStatus {
  active: boolean;
  error: string | null;
  errorCode: string | null;
  lastSyncedAt: string | null;
}

type Message =
  | { type: 'status'; collection: CollectionName; status: TabSyncStatus }
  | { type: 'ask' }
  | { type: 'update-required' };

export class TabStatusChannel {
  private readonly channel: BroadcastChannel;

  constructor(
    name: string,
    /** Whether this tab replicates (holds RxDB's leadership) right now. */
    private readonly isLeader: () => boolean,
    private readonly current: () => [CollectionName, TabSyncStatus][],
    private readonly onStatus: (collection: CollectionName, status: TabSyncStatus) => void,
    /** Whether this tab knows the app must be reloaded, and what to do when told so. */
    private readonly updateRequired: { known: () => boolean; heard: () => void } = {
      known: () => false,
      heard: () => {},
    },
  ) {
    this.channel = new BroadcastChannel(`wikisync-sync-status:${name}`);
    this.channel.onmessage = (event: MessageEvent<Message>) => {
      const message = event.data;
      if (message.type === 'ask') {
        this.publishAll();
        if (this.updateRequired.known()) this.publishUpdateRequired();
      } else if (message.type === 'update-required') this.updateRequired.heard();
      else if (!this.isLeader()) this.onStatus(message.collection, message.status);
    };
    this.channel.postMessage({ type: 'ask' } satisfies Message);
  }

  /** Sends this tab's status of a collection to the others, if this tab is the one replicating. */
  publish(collection: CollectionName, status: TabSyncStatus): void {
    if (this.isLeader()) this.channel.postMessage({ type: 'status', collection, status } satisfies Message);
  }

  /** Sends every collection's status (on election, and when a new tab asks). */
  publishAll(): void {
    for (const [collection, status] of this.current()) this.publish(collection, status);
  }

  /** Tells every other tab that this app must be reloaded before it can sync. */
  publishUpdateRequired(): void {
    this.channel.postMessage({ type: 'update-required' } satisfies Message);
  }

  close(): void {
    this.channel.close();
  }
}
