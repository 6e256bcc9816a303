// Which repositories this browser keeps offline: a per-device choice, stored per replica (one
// replica per server and user, browser-storage.ts) in localStorage. A repository nobody chose
// for follows the default: with at most `limit` readable repositories all are kept, above that
// none until chosen, so a user with hundreds of repositories does not download them all.
import type { ReadableRepository } from '@wikisync/shared';

/** Readable repositories up to which every one is kept offline by default. */
export const DEFAULT_OFFLINE_LIMIT = 20;

/** The part of `localStorage` used here, so tests can pass their own. */
export interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class OfflineChoice {
  private readonly key: string;

  constructor(
    private readonly storage: ChoiceStorage,
    replica: string,
    private readonly limit = DEFAULT_OFFLINE_LIMIT,
  ) {
    this.key = `${replica}.offline`;
  }

  /** Whether `repository` is kept offline, among `readable` (the status' list). */
  isKept(repository: Pick<ReadableRepository, 'uid'>, readable: readonly ReadableRepository[]): boolean {
    return this.read()[repository.uid] ?? readable.length <= this.limit;
  }

  /** The ids of the readable repositories kept offline, for the pull's filter. */
  keptIds(readable: readonly ReadableRepository[]): number[] {
    return readable
      .filter((repository) => this.isKept(repository, readable))
      .map((repository) => repository.id);
  }

  /** Records the user's choice for one repository (by uid: ids are the server's numbering). */
  choose(uid: string, keep: boolean): void {
    this.storage.setItem(this.key, JSON.stringify({ ...this.read(), [uid]: keep }));
  }

  private read(): Record<string, boolean> {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.key) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean'),
      );
    } catch {
      return {};
    }
  }
}
