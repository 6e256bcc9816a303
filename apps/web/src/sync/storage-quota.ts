// A full disk during sync. The browser refuses a write with a `QuotaExceededError`, which
// Dexie and RxDB may wrap once or twice, so it is found by name along the error chain.
//
// RxDB pulls the next page before the last one is written, and writes each page's
// checkpoint only once its rows are in. A page refused for lack of space leaves the
// checkpoint where it was, but a later, smaller page could still fit and move the checkpoint
// past the refused rows: they would never come back. So once a collection's pulled rows hit
// the quota, the guard refuses every further pulled write to it until `release()` (the
// person freed space and pressed Retry). Local edits are not held back: they are the
// person's own work, and the browser decides whether they fit.
import type { RxStorage, RxStorageInstance } from 'rxdb/plugins/core';

export const QUOTA_EXCEEDED = 'QuotaExceededError';

/** True when `error`, or anything it wraps, is the browser saying the storage is full. */
export function isQuotaExceeded(error: unknown, depth = 0): boolean {
  if (depth > 6 || error === null || typeof error !== 'object') return false;
  const value = error as Record<string, unknown>;
  if (value.name === QUOTA_EXCEEDED) return true;
  // Dexie keeps the DOM error in `inner`, RxDB in `parameters` (`writeError`, `errors`).
  const wrapped = [value.cause, value.inner, value.error, value.writeError, value.parameters];
  if (Array.isArray(value.errors)) wrapped.push(...value.errors);
  return wrapped.some((next) => isQuotaExceeded(next, depth + 1));
}

/** RxDB names the writes of pulled rows `replication-downstream-<checkpoint key>`. */
const isPulledWrite = (context: string) => context.startsWith('replication-downstream-');

export interface QuotaGuard {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wraps any storage, whatever its internals
  readonly storage: RxStorage<any, any>;
  /** Collections whose pulled rows met a full storage; their pulls wait for `release`. */
  isFull(collectionName: string): boolean;
  /** Lets pulled rows into `collectionName` again (after the person freed space). */
  release(collectionName: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wraps any storage, whatever its internals
export function guardQuota(inner: RxStorage<any, any>): QuotaGuard {
  const full = new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  const storage: RxStorage<any, any> = {
    ...inner,
    name: inner.name,
    rxdbVersion: inner.rxdbVersion,
    async createStorageInstance(params) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
      const instance: RxStorageInstance<any, any, any> = await inner.createStorageInstance(params);
      const write = instance.bulkWrite.bind(instance);
      instance.bulkWrite = async (rows, context) => {
        const pulled = isPulledWrite(context);
        if (pulled && full.has(params.collectionName)) {
          throw new DOMException(
            `Storage is full; ${params.collectionName} waits for Retry.`,
            QUOTA_EXCEEDED,
          );
        }
        try {
          return await write(rows, context);
        } catch (error) {
          if (pulled && isQuotaExceeded(error)) full.add(params.collectionName);
          throw error;
        }
      };
      return instance;
    },
  };
  return {
    storage,
    isFull: (collectionName) => full.has(collectionName),
    release: (collectionName) => full.delete(collectionName),
  };
}
