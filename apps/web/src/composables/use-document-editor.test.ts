// @vitest-environment jsdom
// The editor's life outside Save: drafts kept as typed and offered back, Cancel asking before
// it drops changes, and Save clearing the draft. On the real store and replica (RxDB over
// fake-indexeddb), started offline so that nothing leaves the test.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, nextTick, ref } from 'vue';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { repositoryDoc } from '@wikisync/shared/testing';
import { useSyncStore } from '../stores/sync';
import type { DocumentDoc, RepositoryDoc } from '../sync';
import { useDocumentEditor } from './use-document-editor';

let sync: ReturnType<typeof useSyncStore>;
let document: DocumentDoc;

beforeEach(async () => {
  setActivePinia(createPinia());
  sync = useSyncStore();
  await sync.startSync({
    name: `editor-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    storage: wrappedValidateAjvStorage({
      storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }),
    }),
    getToken: () => null,
    baseUrl: 'http://127.0.0.1:9',
    multiInstance: false,
    online: false,
  });
  const { _deleted: _live, ...repository } = repositoryDoc();
  await sync.replicaForTests().collections.repositories.insert(repository as RepositoryDoc);
  document = await sync.createDocument(repository as RepositoryDoc, { title: 'Guide', content: 'one\ntwo' });
});

afterEach(async () => {
  await sync.stopSync({ discardReplica: true });
});

/** The composable inside a component, as the document page uses it. */
function openEditor() {
  let editor!: ReturnType<typeof useDocumentEditor>;
  const row = ref<DocumentDoc | null>(document);
  mount(
    defineComponent({
      setup() {
        editor = useDocumentEditor(row);
        return () => null;
      },
    }),
  );
  return editor;
}

const until = async (check: () => unknown) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBeTruthy();
};

describe('useDocumentEditor', () => {
  it('keeps typed text as a draft and offers it back to the next editor', async () => {
    const first = openEditor();
    first.start();
    first.content.value = 'one\ntwo\nthree, unsaved';
    await until(() => first.draftKeptAt.value);

    const next = openEditor();
    await until(() => next.offeredDraft.value);
    next.restoreDraft();
    expect(next.editing.value).toBe(true);
    expect(next.content.value).toBe('one\ntwo\nthree, unsaved');
    expect(next.title.value).toBe('Guide');
  });

  it('asks before Cancel drops changes, and clears the draft when told to', async () => {
    const editor = openEditor();
    editor.start();
    editor.content.value = 'changed';
    await until(() => editor.draftKeptAt.value);
    const questions: string[] = [];
    expect(await editor.cancel((question) => (questions.push(question), false))).toBe(false);
    expect(editor.editing.value).toBe(true);
    expect(await editor.cancel(() => true)).toBe(true);
    expect(questions).toHaveLength(1);
    expect(editor.editing.value).toBe(false);
    expect(await sync.loadEditorDraft(document.uid)).toBeNull();
  });

  it('saves the change and clears the draft', async () => {
    const editor = openEditor();
    editor.start();
    editor.title.value = 'Guide, renamed';
    await until(() => editor.draftKeptAt.value);
    await editor.save();
    await nextTick();
    expect(editor.outcome.value).toBe('saved');
    expect(await sync.loadEditorDraft(document.uid)).toBeNull();
    const row = await sync.replicaForTests().collections.documents.findOne(document.uid).exec();
    expect(row?.title).toBe('Guide, renamed');
    expect(row?.content).toBe('one\ntwo');
  });
});
