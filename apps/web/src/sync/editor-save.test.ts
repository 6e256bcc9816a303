// The editor's Save against what changed while it was open: the pure plan, then the write
// and the recorded conflict on a real replica (RxDB over fake-indexeddb).
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { documentDoc } from '@wikisync/shared/testing';
import { createReplica, type Replica } from './replica';
import { editorState, planEditorSave, saveEditedDocument } from './editor-save';
import { clearEditorDraft, loadEditorDraft, storeEditorDraft } from './editor-drafts';

const lines = (...values: string[]) => values.join('\n');
const base = editorState({
  ...documentDoc('r1', null, { uid: 'd1', title: 'Guide', content: lines('one', 'two', 'three', 'four') }),
  id: 5,
  updated_at: '2026-01-01T00:00:00.000Z',
});
const NOW = '2026-01-03T00:00:00.000Z';

describe('planning the editor save', () => {
  it('writes nothing when nothing was changed', () => {
    expect(planEditorSave(base, { title: 'Guide', content: base.content as string }, base, NOW)).toEqual({
      write: null,
      conflict: null,
    });
  });

  it("keeps the other side's title and lines while the person edited another paragraph", () => {
    const current = {
      ...base,
      title: 'Guide (renamed)',
      content: lines('one', 'two', 'three', 'four, theirs'),
      updated_at: '2026-01-02T00:00:00.000Z',
    };
    const plan = planEditorSave(
      base,
      { title: 'Guide', content: lines('one, mine', 'two', 'three', 'four') },
      current,
      NOW,
    );
    expect(plan.conflict).toBeNull();
    expect(plan.write).toMatchObject({
      title: 'Guide (renamed)',
      content: lines('one, mine', 'two', 'three', 'four, theirs'),
      updated_at: NOW,
    });
  });

  it("records the person's version where both changed the same line, keeping the other side meanwhile", () => {
    const current = { ...base, content: lines('one', 'two, theirs', 'three', 'four') };
    const edits = { content: lines('one', 'two, mine', 'three', 'four') };
    const plan = planEditorSave(base, edits, current, NOW);
    expect(plan.write?.content).toBe(current.content);
    expect(plan.conflict).toMatchObject({
      collection: 'documents',
      base,
      local: { content: edits.content, title: 'Guide' },
      server: current,
      fields: ['content'],
      hunks: [{ field: 'content', local: ['two, mine'], server: ['two, theirs'] }],
    });
    expect(plan.conflict?.kept).toEqual(plan.write);
  });
});

describe('saving on a replica', () => {
  let replica: Replica | undefined;
  afterEach(async () => {
    await replica?.close();
    replica = undefined;
  });

  async function openReplica() {
    replica = await createReplica({
      name: `editor-${Date.now()}-${Math.random()}`,
      storage: wrappedValidateAjvStorage({
        storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }),
      }),
      multiInstance: false,
    });
    const { _deleted: _live, ...row } = base;
    await replica.collections.documents.insert(row as never);
    return replica;
  }

  it('merges into the row as it is now and records a collision for the dialog', async () => {
    const open = await openReplica();
    const row = await open.collections.documents.findOne('d1').exec();
    await row!.incrementalPatch({
      title: 'Renamed elsewhere',
      content: lines('one', 'two, theirs', 'three', 'four'),
    });

    const result = await saveEditedDocument(open, 'd1', base, {
      title: 'Guide',
      content: lines('one', 'two, mine', 'three', 'four, mine'),
    });
    expect(result).toEqual({ conflicted: true });
    const saved = (await open.collections.documents.findOne('d1').exec())!.toMutableJSON();
    expect(saved.title).toBe('Renamed elsewhere');
    expect(saved.content).toBe(lines('one', 'two, theirs', 'three', 'four, mine'));
    const recorded = await open.collections.sync_conflicts.find().exec();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.toMutableJSON()).toMatchObject({
      collection_name: 'documents',
      uid: 'd1',
      status: 'open',
      local: { content: lines('one', 'two, mine', 'three', 'four, mine') },
      kept: { content: saved.content, title: 'Renamed elsewhere' },
    });
  });

  it('keeps a draft with its base until it is cleared', async () => {
    const open = await openReplica();
    expect(await loadEditorDraft(open.database, 'd1')).toBeNull();
    const draft = { uid: 'd1', fields: { content: 'half written' }, base, saved_at: NOW };
    await storeEditorDraft(open.database, draft);
    expect(await loadEditorDraft(open.database, 'd1')).toEqual(draft);
    await clearEditorDraft(open.database, 'd1');
    expect(await loadEditorDraft(open.database, 'd1')).toBeNull();
  });
});
