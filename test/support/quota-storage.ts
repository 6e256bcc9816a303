// A browser whose disk fills up: a test storage that refuses pulled rows of one collection
// with the DOMException a browser raises (`QuotaExceededError`) once `room` rows are in, until
// the test frees space. Pulled writes only, as a full disk would hit a first sync first.
import type { RxStorage, RxStorageInstance } from 'rxdb/plugins/core';
import { freshTestStorage } from './sync-client.js';

export interface FillingStorage {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test storage of any internals
  storage: RxStorage<any, any>;
  /** Rows of the collection that still fit; Infinity once space is freed. */
  room: number;
  /** Pulled writes the storage was asked for after it filled up. */
  refusedWrites: number;
}

export function fillingStorage(collectionName: string, room: number): FillingStorage {
  const inner = freshTestStorage();
  const state: FillingStorage = {
    room,
    refusedWrites: 0,
    storage: {
      ...inner,
      name: inner.name,
      rxdbVersion: inner.rxdbVersion,
      async createStorageInstance(params) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
        const instance: RxStorageInstance<any, any, any> = await inner.createStorageInstance(params);
        if (params.collectionName !== collectionName) return instance;
        const write = instance.bulkWrite.bind(instance);
        instance.bulkWrite = async (rows, context) => {
          if (context.startsWith('replication-downstream-')) {
            if (rows.length > state.room) {
              state.refusedWrites++;
              throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            }
            state.room -= rows.length;
          }
          return write(rows, context);
        };
        return instance;
      },
    },
  };
  return state;
}
