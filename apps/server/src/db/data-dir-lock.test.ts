import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../errors.js';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.js';
import { openPglite } from './pglite-database.js';

const dirs: string[] = [];
function freshDir() {
  const dir = mkdtempSync(join(tmpdir(), 'wikisync-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the embedded database belongs to one process', () => {
  it('refuses a second opener while the first holds the folder, and names the holder', async () => {
    const dir = freshDir();
    // The holder is another live process, as a running server would be.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: holder.pid, started: null, role: 'the server on port 3000', since: 'now' }),
      );
      await expect(openPglite(dir, 'the CLI (wikisync token create)')).rejects.toThrow(DataDirLockedError);
      await expect(openPglite(dir)).rejects.toThrow(
        /in use by the server on port 3000 \(process \d+, since now\)\. .*stop that process first/,
      );
      // Refusing left the holder's lock alone and created no database.
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(holder.pid);
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it('takes over the lock of a process that is gone, and releases its own on close', async () => {
    const dir = freshDir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: gone.pid, started: null, role: 'a server that was killed', since: 'then' }),
    );
    const db = await openPglite(dir, 'the server on port 4000');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      role: 'the server on port 4000',
    });
    expect(() => lockDataDir(dir, 'a second opener in this process')).not.toThrow(); // own pid: stale
    await db.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // Closed means free: the next process opens it and finds the data.
    const again = await openPglite(dir);
    expect(await again.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await again.close();
  });

  it.runIf(existsSync('/proc/self/stat'))(
    'tells a reused pid from its holder by the process start time',
    () => {
      const dir = freshDir();
      // This process is alive, but it did not start at tick 1 after boot: a reused pid.
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: process.ppid, started: '1', role: 'an old server', since: 'then' }),
      );
      const release = lockDataDir(dir, 'the server on port 3000');
      release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    },
  );
});
