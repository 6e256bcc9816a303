import { describe, expect, it } from 'vitest';
import { jsonOf, useTestApp } from '../testing/test-app.js';
import { ensureBootstrapAdmin } from '../auth/user-store.js';
import { loadDemoData } from './demo-data.js';

describe('demo data', () => {
  const t = useTestApp('pglite');

  it('loads repositories with tasks linked to their markdown documents, readable with the demo token', async () => {
    const loaded = await loadDemoData(t.database.db, await ensureBootstrapAdmin(t.database.db));
    expect(loaded.repositories).toBeGreaterThanOrEqual(3);
    const repositories = (
      await jsonOf(await t.request('GET', '/api/repositories', { token: loaded.demoToken }))
    ).data;
    expect(repositories.total).toBe(loaded.repositories);
    const first = repositories.items[0];
    const tasks = (await jsonOf(await t.request('GET', `/api/tasks?repository_id=${first.id}`))).data.items;
    const documents = (await jsonOf(await t.request('GET', `/api/documents?repository_id=${first.id}`))).data
      .items;
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      const document = documents.find((each: { id: number }) => each.id === task.doc_id);
      expect(document).toBeDefined();
      expect(document.task_id).toBe(task.id);
      expect(document.content).toMatch(/^# /);
    }
  });
});
