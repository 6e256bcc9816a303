import { describe, expect, it } from 'vitest';
import type { ChangesResponse, ReplicatedRepository } from '@wikisync/shared';
import { repositoryDoc } from '@wikisync/shared/testing';
import { checkPulledRow, pullCheckedBatch } from './pulled-rows';
import type { WireDoc } from './sync-transport';

const repository = (uid: string, overrides: Partial<ReplicatedRepository> = {}): WireDoc =>
  repositoryDoc({ uid, id: 1, name: 'r', ...overrides });
const deep = JSON.parse(`${'{"a":'.repeat(99)}{}${'}'.repeat(99)}`) as Record<string, unknown>;

/** A feed of `rows`, one server_version each, served `limit` at a time. */
function feed(rows: WireDoc[]) {
  const asked: number[] = [];
  const fetchPage = async (checkpoint: number, limit: number): Promise<ChangesResponse<WireDoc>> => {
    asked.push(checkpoint);
    const documents = rows.slice(checkpoint, checkpoint + limit);
    return {
      documents,
      checkpoint: { server_version: checkpoint + documents.length },
      has_more: checkpoint + documents.length < rows.length,
    };
  };
  return { fetchPage, asked };
}

describe('pulled rows', () => {
  it('leaves out bad rows but never returns a short batch while more rows exist', async () => {
    const rows = [
      repository('a'),
      repository('bad-1', { metadata: deep }),
      repository('bad-2', { name: '' }),
      repository('bad-3', { metadata: deep }),
      repository('b'),
      repository('c'),
    ];
    const { fetchPage, asked } = feed(rows);
    const first = await pullCheckedBatch('repositories', fetchPage, 0, 2);
    // Page [a, bad-1] is short of good rows, [bad-2, bad-3] has none: fetch on until [b, c].
    expect(asked).toEqual([0, 2, 4]);
    expect(first.documents.map((doc) => doc.uid)).toEqual(['a', 'b', 'c']);
    expect(first.checkpoint).toEqual({ server_version: 6 });
    expect(first.refused.map((row) => row.uid)).toEqual(['bad-1', 'bad-2', 'bad-3']);
    expect(first.refused[0]!.reason).toMatch(/^metadata: is nested more than 32 levels/);
    expect(first.refused[1]!.reason).toMatch(/^name: must not be empty/);
  });

  it('stops at the end of the feed with what it has', async () => {
    const { fetchPage } = feed([repository('a'), repository('bad', { metadata: deep })]);
    const batch = await pullCheckedBatch('repositories', fetchPage, 0, 5);
    expect(batch.documents.map((doc) => doc.uid)).toEqual(['a']);
    expect(batch.accepted).toEqual(['a']);
  });

  it('still applies a deletion whose metadata is bad, without the metadata', () => {
    const checked = checkPulledRow('repositories', repository('gone', { metadata: deep, _deleted: true }));
    expect(checked.doc).toMatchObject({ uid: 'gone', metadata: {}, _deleted: true });
  });
});
