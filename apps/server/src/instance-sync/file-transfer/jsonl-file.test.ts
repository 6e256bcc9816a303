// `sync export` / `sync import`: a repository through a file and back, twice without copies.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../../testing/test-database.js';
import { exportToFile, importFromFile } from './jsonl-file.js';
import { repositoryContent, seedRepository, usePeers } from '../../testing/peer-test-kit.js';

describe.each(testDatabaseKinds())('repository files on %s', (kind) => {
  const [a, b] = usePeers(kind, {}, {});
  const dir = mkdtempSync(join(tmpdir(), 'wikisync-jsonl-'));

  it('exports a repository and imports it elsewhere, updating one copy on a second import', async () => {
    const repo = await seedRepository(a.t.database.db, 'filed', 30, 40, 50);
    const file = join(dir, 'filed.jsonl');
    expect(await exportToFile(a.t.database.db, repo.id, file)).toEqual({ tasks: 30, documents: 1200 });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'header', format: 'wikisync-repository' });
    expect(lines).toHaveLength(2 + 30 + 1200);

    const first = await importFromFile(b.t.database.db, file, 'test');
    expect(first).toMatchObject({ created: 1230, failed: 0 });
    expect(await repositoryContent(b.t.database.db, first.repository_id)).toEqual(
      await repositoryContent(a.t.database.db, repo.id),
    );
    const second = await importFromFile(b.t.database.db, file, 'test');
    expect(second).toMatchObject({ repository_id: first.repository_id, created: 0, unchanged: 1230 });
  });

  it('refuses a file that is not an export, saying what it expected', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"type":"task"}\n');
    await expect(importFromFile(b.t.database.db, file, 'test')).rejects.toThrow(/header/);
    writeFileSync(file, 'not json\n');
    await expect(importFromFile(b.t.database.db, file, 'test')).rejects.toThrow(/line 1 is not JSON/);
  });
});
