// 2. Replication: the web app's sync core (RxDB) against a server process.
// Initial sync of the generated repository into a fresh replica, in Node and in headless
// Chromium, against a bulk insert of the same documents, and offline edits pushed after
// reconnect (initial-sync.ts); live propagation from one client's write to another's replica
// (live-propagation.ts); fan-out of one write to many stream clients (fan-out.ts).
import { seedGeneratedRepository } from '../lib/generated-repository.js';
import { startBenchServer } from '../lib/server-process.js';
import { defineSuite } from '../lib/suite.js';
import { measureFanOut } from './fan-out.js';
import { measureInitialSync } from './initial-sync.js';
import { measureLivePropagation } from './live-propagation.js';

export const replication = defineSuite({
  name: 'replication',
  description: 'RxDB initial sync vs bulk insert, offline push, live propagation, stream fan-out',
  sizes: {
    quick: { tasks: 1_000, edits: 100, samples: 20, streamClients: 100 },
    full: { tasks: 10_000, edits: 1_000, samples: 200, streamClients: 1_000 },
  },
  async run({ tasks, edits, samples, streamClients }) {
    // The offline edits run on their own smaller replica: what they measure (1,000 edits pushed
    // after reconnect) does not depend on the replica's size, and fake-indexeddb slows down more
    // than linearly with it (1,000 edits on the 21,500-row replica did not finish in 2 min).
    const initialSync = await measureInitialSync({ tasks, editTasks: 1_000, edits });

    // Live propagation and fan-out on a small server, so clients start quickly. Every stream
    // client here uses the admin token, so the per-user stream cap (sized for one person's
    // devices) is lifted; fan-out measures the hub, not the cap.
    const live = await startBenchServer('live', { MAX_STREAMS_PER_USER: '5000', MAX_STREAMS: '5000' });
    try {
      await seedGeneratedRepository(live.database.url, 'bench-live', 100);
      const propagation = await measureLivePropagation(live, samples);
      const fanOut = await measureFanOut(live, streamClients);
      return [initialSync, propagation, fanOut];
    } finally {
      await live.dispose();
    }
  },
});
