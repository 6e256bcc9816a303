// What the app's replica holds in the browser, read straight from IndexedDB (not through the
// app): rows of the given collections' stores, counted by repository uid.
import type { Page } from 'playwright-core';

export function storedRowsByRepository(
  page: Page,
  collections: readonly ('tasks' | 'documents')[] = ['tasks', 'documents'],
): Promise<Record<string, number>> {
  return page.evaluate(async (names) => {
    const counts: Record<string, number> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name || !names.some((name) => info.name!.endsWith(`--${name}`))) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        for (const row of rows) {
          const uid = (row as { repository_uid?: string }).repository_uid;
          if (uid) counts[uid] = (counts[uid] ?? 0) + 1;
        }
      }
      db.close();
    }
    return counts;
  }, collections);
}
