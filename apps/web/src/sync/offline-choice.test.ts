import { describe, expect, it } from 'vitest';
import type { ReadableRepository } from '@wikisync/shared';
import { OfflineChoice, type ChoiceStorage } from './offline-choice';

const memory = (): ChoiceStorage & { items: Map<string, string> } => {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
};
const repositories = (count: number): ReadableRepository[] =>
  Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    uid: `repo-${i + 1}`,
    name: `r${i + 1}`,
    may_write: false,
  }));

describe('which repositories this browser keeps offline', () => {
  it('keeps all by default up to the limit, none above it', () => {
    const choice = new OfflineChoice(memory(), 'replica', 3);
    expect(choice.keptIds(repositories(3))).toEqual([1, 2, 3]);
    expect(choice.keptIds(repositories(4))).toEqual([]);
  });

  it('remembers a choice per repository and per replica, whatever the default', () => {
    const storage = memory();
    const choice = new OfflineChoice(storage, 'replica', 3);
    choice.choose('repo-2', true);
    choice.choose('repo-1', false);
    expect(choice.keptIds(repositories(5))).toEqual([2]);
    expect(choice.keptIds(repositories(3))).toEqual([2, 3]);
    expect(new OfflineChoice(storage, 'replica', 3).keptIds(repositories(5))).toEqual([2]);
    expect(new OfflineChoice(storage, 'other-user', 3).keptIds(repositories(5))).toEqual([]);
  });

  it('survives a damaged stored value', () => {
    const storage = memory();
    storage.setItem('replica.offline', '{not json');
    expect(new OfflineChoice(storage, 'replica', 20).keptIds(repositories(2))).toEqual([1, 2]);
    storage.setItem('replica.offline', JSON.stringify({ 'repo-1': 'yes', 'repo-2': false }));
    expect(new OfflineChoice(storage, 'replica', 20).keptIds(repositories(2))).toEqual([1]);
  });
});
