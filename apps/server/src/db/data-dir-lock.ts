// The embedded database belongs to one process. PGlite has no lock of its own: a CLI started
// beside a running server opened the same data directory, wrote a token the server never saw
// (each process keeps its own copy of the pages it read), and could corrupt the directory.
//
// The lock is a file created with O_EXCL inside the data directory, holding the owner's pid,
// the start time of that process and what it is. A lock whose process is gone (killed, the
// machine restarted, a container restarted as pid 1 again) is stale and taken over: the pid
// alone is not enough, since pids are reused, so on Linux the process start time must match too.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLockedError } from '../errors.js';

export const LOCK_FILE = 'wikisync.lock';

export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  started: string | null;
  /** What holds it, in words: "the server on port 3000", "the CLI (token create)". */
  role: string;
  since: string;
}

/** Field 22 of /proc/<pid>/stat; null where there is no /proc or the process is gone. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false; // our own pid from an earlier life
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartTime(owner.pid);
  return owner.started === null || started === null || started === owner.started;
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? (owner as LockOwner) : null;
  } catch {
    return null; // gone meanwhile, or half written by a process that died while writing it
  }
}

function justWritten(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 2_000;
  } catch {
    return false;
  }
}

/**
 * Takes the data directory for this process, or throws `DataDirLockedError` naming who holds
 * it. Returns the release function (idempotent), which the database's `close` calls.
 */
export function lockDataDir(dataDir: string, role: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    started: processStartTime(process.pid),
    role,
    since: new Date().toISOString(),
  };
  // Twice at most: once, and once more after removing a stale lock. Two processes removing
  // the same stale lock both retry the exclusive create, and only one of them wins it.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(path);
      if (holder && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Unreadable and fresh: its owner is between creating and writing it.
      if (!holder && justWritten(path)) throw new DataDirLockedError(dataDir, null);
      try {
        unlinkSync(path);
      } catch {
        // another process removed it first
      }
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(owner));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Only our own lock: never remove one another process took after ours was judged stale.
      if (readOwner(path)?.pid === owner.pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
  }
  throw new DataDirLockedError(dataDir, readOwner(path));
}
