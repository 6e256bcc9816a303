// Test databases start from one migrated embedded-database image instead of running initdb
// and every migration for each test file: initdb alone takes ~4 s on a busy 2-core machine,
// and a run opens ~45 embedded databases plus a temporary folder per server process.
//
// The image is built once per machine and kept in the temp folder under a key of what shapes
// it (PGlite's build, the start parameters, every migration's SQL), so a changed
// migration builds a new one. Vitest workers may build it at the same time: each writes its
// own file and renames it into place, and every copy is the same.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../db/migrate.js';
import { MIGRATIONS } from '../db/migrations/index.js';
import { openPglite, START_PARAMS, type PgliteDatabase } from '../db/pglite-database.js';

function imageKey(): string {
  const hash = createHash('sha256');
  const pglite = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  hash.update(pglite);
  hash.update(readFileSync(pglite));
  hash.update(START_PARAMS.join(' '));
  for (const migration of MIGRATIONS) hash.update(`${migration.version}\0${migration.sql}\0`);
  return hash.digest('hex').slice(0, 16);
}

let image: Promise<{ path: string; blob: Blob }> | null = null;

const STALE_MS = 6 * 60 * 60 * 1000;
const isStale = (path: string) => {
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false; // removed meanwhile
  }
};

async function buildImage(path: string): Promise<Blob> {
  const db = await openPglite('memory://');
  try {
    await migrate(db);
    const blob = await db.dumpImage();
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    renameSync(partial, path);
    // Images of older migrations are not used again, once no run of that code can still be
    // going (another checkout of other code may run its tests at the same time).
    for (const name of readdirSync(dirname(path))) {
      const other = join(dirname(path), name);
      if (/^pglite-[0-9a-f]+\.tar$/.test(name) && other !== path && isStale(other))
        rmSync(other, { force: true });
    }
    return blob;
  } finally {
    await db.close();
  }
}

/** The migrated image (a tar of a data directory) and the file it is kept in. */
export function migratedImage(): Promise<{ path: string; blob: Blob }> {
  image ??= (async () => {
    const folder = join(tmpdir(), 'wikisync-test-images');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, `pglite-${imageKey()}.tar`);
    const blob = existsSync(path) ? new Blob([readFileSync(path)]) : await buildImage(path);
    return { path, blob };
  })();
  return image;
}

/** A fresh, migrated in-memory embedded database, started from the image. */
export async function openMigratedPglite(): Promise<PgliteDatabase> {
  // A jsdom test environment replaces Node's Blob with one PGlite cannot read images from:
  // there the database starts the slow way.
  if ('window' in globalThis) {
    const db = await openPglite('memory://');
    await migrate(db);
    return db;
  }
  return openPglite('memory://', undefined, { image: (await migratedImage()).blob });
}

/**
 * Fills an empty folder with the migrated image, so a server process started on it finds an
 * existing, migrated database (what `npm start` finds on its second start).
 */
export async function fillDataDir(dataDir: string): Promise<void> {
  const { blob } = await migratedImage();
  mkdirSync(dataDir, { recursive: true });
  // From memory, not from the kept file, which another run may replace meanwhile. The image's
  // members are absolute (/base, /global, …); tar strips the leading slash.
  execFileSync('tar', ['-xf', '-', '-C', dataDir], {
    input: Buffer.from(await blob.arrayBuffer()),
    stdio: ['pipe', 'ignore', 'ignore'],
  });
}
