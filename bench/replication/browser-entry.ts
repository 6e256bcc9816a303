// Bundled for headless Chromium: exposes the client kit on `window`, with RxDB's Dexie
// storage over the browser's real IndexedDB.
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { bulkInsertBaseline, openSyncedClient, readAll } from './client-kit';

declare global {
  interface Window {
    benchInitialSync(
      url: string,
      token: string,
    ): Promise<{ ms: number; baselineMs: number; counts: Record<string, number> }>;
    benchSelectiveSync(
      url: string,
      token: string,
      keep: number[] | null,
    ): Promise<{ ms: number; counts: Record<string, number> }>;
  }
}

window.benchInitialSync = async (url, token) => {
  const storage = getRxStorageDexie();
  const { client, ms, counts } = await openSyncedClient(
    storage,
    `bench-sync-${Date.now()}`,
    { url, token },
    false,
  );
  const docs = await readAll(client.replica);
  await client.close();
  const baseline = await bulkInsertBaseline(storage, `bench-bulk-${Date.now()}`, docs, false);
  for (const [collection, count] of Object.entries(counts))
    if (baseline.counts[collection] !== count)
      throw new Error(`bulk insert stored ${baseline.counts[collection]} ${collection}, expected ${count}`);
  return { ms, baselineMs: baseline.ms, counts };
};

/** A first sync keeping `keep` offline (null: every repository), into a fresh replica. */
window.benchSelectiveSync = async (url, token, keep) => {
  const { client, ms, counts } = await openSyncedClient(
    getRxStorageDexie(),
    `bench-selective-${Date.now()}`,
    { url, token },
    false,
    undefined,
    keep ?? undefined,
  );
  await client.close();
  return { ms, counts };
};
