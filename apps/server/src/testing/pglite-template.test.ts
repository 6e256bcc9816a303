import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pendingMigrations } from '../db/migrate.js';
import { openPglite } from '../db/pglite-database.js';
import { fillDataDir, openMigratedPglite } from './pglite-template.js';

describe('test databases from the migrated image', () => {
  it('start migrated and independent of each other', async () => {
    const [a, b] = await Promise.all([openMigratedPglite(), openMigratedPglite()]);
    try {
      expect(await pendingMigrations(a)).toEqual([]);
      await a.query(`INSERT INTO users (name) VALUES ('only-in-a')`);
      expect(await b.query(`SELECT name FROM users WHERE name = 'only-in-a'`)).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fill a folder that the server then opens as an existing database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wikisync-image-'));
    try {
      await fillDataDir(dir);
      const db = await openPglite(dir);
      try {
        expect(await pendingMigrations(db)).toEqual([]);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
