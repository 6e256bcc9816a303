// The store's side of the offline choice: nothing is pulled before the server's list is known,
// the server's OFFLINE_ALL_UP_TO decides the default, an access event narrows the list at once,
// and the last list and threshold survive a restart without network.
import { describe, expect, it } from 'vitest';
import { createOfflineSelection } from './offline-selection';

const memory = () => {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
};
const readable = [1, 2, 3].map((id) => ({ id, uid: `r${id}`, name: `repo ${id}`, may_write: true }));

describe('offline selection', () => {
  it('pulls nothing before the list is known, then all of a list within the threshold', () => {
    const selection = createOfflineSelection('replica', memory());
    expect(selection.keptIds()).toEqual([]);
    expect(selection.fresh.value).toBeNull();
    selection.setReadable(readable);
    expect(selection.keptIds()).toEqual([1, 2, 3]);
  });

  it("says who may write a repository, by uid or id, from the server's list (nobody before it)", () => {
    const selection = createOfflineSelection('replica', memory());
    expect(selection.mayWrite('r1')).toBe(false);
    selection.setReadable([...readable.slice(0, 2), { id: 3, uid: 'r3', name: 'repo 3', may_write: false }]);
    expect(selection.mayWrite('r1')).toBe(true);
    expect(selection.mayWrite(2)).toBe(true);
    expect(selection.mayWrite('r3')).toBe(false);
    expect(selection.mayWrite(3)).toBe(false);
    expect(selection.mayWrite('r9')).toBe(false);
  });

  it("follows the server's threshold: above it, none until chosen", () => {
    const selection = createOfflineSelection('replica', memory());
    selection.setReadable(readable, 2);
    expect(selection.keptIds()).toEqual([]);
    selection.choose('r2', true);
    expect(selection.keptIds()).toEqual([2]);
    expect(selection.isKept('r1')).toBe(false);
  });

  it('narrows to the ids of an access event and remembers list and threshold across restarts', () => {
    const storage = memory();
    const first = createOfflineSelection('replica', storage);
    first.setReadable(readable, 0);
    first.choose('r3', true);
    first.narrowTo([2, 3]);
    expect(first.keptIds()).toEqual([3]);
    const again = createOfflineSelection('replica', storage);
    expect(again.fresh.value).toBeNull(); // a cached list never purges
    expect(again.known.value?.map((repository) => repository.id)).toEqual([2, 3]);
    expect(again.keptIds()).toEqual([3]);
  });
});
