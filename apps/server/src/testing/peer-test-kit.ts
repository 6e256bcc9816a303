// Test helpers for instance sync: real servers on loopback ports over real test databases,
// and a quick way to fill a repository with tasks and documents.
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../config.js';
import { type Database, writeTransaction } from '../db/database.js';
import type { DatabaseKind } from '../db/database.js';
import { jsonOf, listen, startTestApp, type TestApp } from './test-app.js';
import { blockHandle } from './block-handle.js';
import { instanceSyncOf, type InstanceSync } from '../instance-sync/index.js';
import { createPeerToken } from '../instance-sync/peer-auth/peer-token-store.js';
import type { SyncScope } from '@wikisync/shared';

export interface Peer {
  t: TestApp;
  sync: InstanceSync;
  /** e.g. http://127.0.0.1:40123/api/sync */
  base: string;
  close(): Promise<void>;
}

export function fastSyncConfig(overrides: Partial<Config['sync']> = {}): Config['sync'] {
  return {
    retentionDays: 30,
    allowTokenlessFrom: [],
    corsOrigins: [],
    secretKey: 'test-secret-key-for-sync-0123456789',
    retryBaseMs: 5,
    requestTimeoutMs: 3000,
    maxResponseBytes: 64 * 1024 * 1024,
    compression: 'auto',
    copyTransport: true,
    schedulerEnabled: false,
    staleSessionMs: 1000,
    ...overrides,
  };
}

export async function startPeer(
  kind: DatabaseKind,
  sync: Partial<Config['sync']> = {},
  config: Partial<Config> = {},
): Promise<Peer> {
  const t = await startTestApp(kind, { sync: fastSyncConfig(sync), ...config });
  const server = await listen(t.app.fetch);
  return {
    t,
    sync: instanceSyncOf(t.app)!,
    base: `${server.url}/api/sync`,
    async close() {
      await server.close();
      await t.close();
    },
  };
}

/**
 * Registers the hooks that start one peer per entry of `syncs` (its sync settings) for the
 * describe block that calls it: all at once before the block's tests, closed after them.
 * Each handle reads its running peer, so hooks and tests use it as they would a `Peer`.
 */
export function usePeers<const Syncs extends readonly Partial<Config['sync']>[]>(
  kind: DatabaseKind,
  ...syncs: Syncs
): { [Index in keyof Syncs]: Peer } {
  let running: Peer[] = [];
  beforeAll(async () => {
    running = await Promise.all(syncs.map((sync) => startPeer(kind, sync)));
  });
  afterAll(async () => {
    await Promise.all(running.map((peer) => peer.close()));
    running = [];
  });
  const handles = syncs.map((_, index) =>
    blockHandle(() => running[index], ['t', 'sync', 'base', 'close'], `peer ${index + 1}`),
  );
  return handles as { [Index in keyof Syncs]: Peer };
}

/** Saves `to` as a target of `from` with a fresh peer token of `to`; returns the target's id. */
export async function linkPeers(from: Peer, to: Peer): Promise<number> {
  return saveTarget(from, to.base, { token: await createPeerTokenOn(to) });
}

/**
 * Serves `fetch` (a stand-in for another server, usually a Hono app on /api/sync/*) on a
 * loopback port, saves it as a target of `peer` and runs `use` with its base URL and target
 * id; the stand-in is closed afterwards, whatever `use` does.
 */
export async function withStandInTarget(
  peer: Peer,
  fetch: (request: Request) => Response | Promise<Response>,
  use: (base: string, targetId: number) => Promise<void>,
): Promise<void> {
  const server = await listen(fetch);
  try {
    const base = `${server.url}/api/sync`;
    await use(base, await saveTarget(peer, base));
  } finally {
    await server.close();
  }
}

/** Saves `base` as a target of `peer` (as an operator would) and returns its id. */
export async function saveTarget(
  peer: Peer,
  base: string,
  secrets: { token?: string; signing_secret?: string } = {},
): Promise<number> {
  const response = await peer.t.request('POST', '/api/sync/target-save', { body: { url: base, ...secrets } });
  if (response.status !== 200) throw new Error(`target-save failed: ${await response.text()}`);
  return (await jsonOf(response)).data.id;
}

export interface SeededRepository {
  id: number;
  taskIds: number[];
  documentIds: number[];
}

/** A repository with `tasks` tasks, each with `documentsPerTask` documents; each task points at its last. */
export async function seedRepository(
  db: Database,
  name: string,
  tasks: number,
  documentsPerTask = 1,
  contentBytes = 200,
): Promise<SeededRepository> {
  return writeTransaction(db, async (tx) => {
    const [repository] = await tx.query<{ id: number }>(
      `INSERT INTO repositories (uid, name, url, status) VALUES (gen_random_uuid()::text, $1, $2, 'ready') RETURNING id`,
      [name, `https://example.com/${name}`],
    );
    const repositoryId = Number(repository!.id);
    const taskRows = await tx.query<{ id: number }>(
      `INSERT INTO tasks (uid, repository_id, title, task_type, status, sort_order)
       SELECT gen_random_uuid()::text, $1, 'Task ' || n, 'module', 'succeeded', n FROM generate_series(1, $2) AS n RETURNING id`,
      [repositoryId, tasks],
    );
    const taskIds = taskRows.map((row) => Number(row.id)).sort((a, b) => a - b);
    const documentRows = await tx.query<{ id: number }>(
      `INSERT INTO documents (uid, repository_id, task_id, title, filename, content, sort_order)
       SELECT gen_random_uuid()::text, $1, t.id, t.title || ' doc ' || k, 'doc-' || t.id || '-' || k || '.md',
              repeat('x', $3) || ' ' || t.id || '/' || k, k
         FROM tasks t, generate_series(1, $2) AS k WHERE t.repository_id = $1 RETURNING id`,
      [repositoryId, documentsPerTask, contentBytes],
    );
    await tx.query(
      `UPDATE tasks t SET doc_uid = (SELECT d.uid FROM documents d WHERE d.task_id = t.id ORDER BY d.id DESC LIMIT 1) WHERE t.repository_id = $1`,
      [repositoryId],
    );
    return {
      id: repositoryId,
      taskIds,
      documentIds: documentRows.map((row) => Number(row.id)).sort((a, b) => a - b),
    };
  });
}

/**
 * Seeds a repository (see `seedRepository`) on `peer` before the tests of the describe block
 * that calls it; the handle reads the seeded repository's ids in hooks and tests.
 */
export function useSeededRepository(
  peer: Peer,
  name: string,
  tasks: number,
  documentsPerTask = 1,
): SeededRepository {
  let seeded: SeededRepository | undefined;
  beforeAll(async () => {
    seeded = await seedRepository(peer.t.database.db, name, tasks, documentsPerTask);
  });
  return blockHandle(() => seeded, ['id', 'taskIds', 'documentIds'], `seeded repository ${name}`);
}

/** Starts a sync through the HTTP API and waits until its session has ended. */
export async function runSync(
  peer: Peer,
  path: '/api/sync' | '/api/sync/pull',
  body: Record<string, unknown>,
) {
  const response = await peer.t.request('POST', path, { body });
  const json = await jsonOf(response);
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${json.error}`);
  await peer.sync.initiator.waitFor(json.data.sync_id);
  const session = await jsonOf(await peer.t.request('GET', `/api/sync/sessions/${json.data.sync_id}`));
  return { started: json.data, session: session.data };
}

/** Live rows of a repository, in a stable order, for comparing two servers. */
export async function repositoryContent(db: Database, repositoryId: number) {
  const tasks = await db.query(
    `SELECT t.title, t.status, t.sort_order, t.uid, d.title AS doc_title FROM tasks t LEFT JOIN documents d ON d.uid = t.doc_uid
      WHERE t.repository_id = $1 AND NOT t.deleted ORDER BY t.sort_order, t.title`,
    [repositoryId],
  );
  const documents = await db.query(
    `SELECT d.title, d.content, d.version, d.is_latest, t.title AS task_title, r.title AS replaced_by_title
       FROM documents d LEFT JOIN tasks t ON t.id = d.task_id LEFT JOIN documents r ON r.uid = d.replaced_by_uid
      WHERE d.repository_id = $1 AND NOT d.deleted ORDER BY d.title`,
    [repositoryId],
  );
  return { tasks, documents };
}

/** A peer token on `peer`, as `wikisync peer token create` makes one. */
export async function createPeerTokenOn(
  peer: Peer,
  scopes: SyncScope[] = ['receive', 'export'],
  options: { repositoryIds?: number[] | null; signingSecret?: string | null } = {},
): Promise<string> {
  const created = await createPeerToken(peer.t.database.db, peer.sync.box, {
    name: `test-${scopes.join('-')}`,
    scopes,
    repositoryIds: options.repositoryIds ?? null,
    signingSecret: options.signingSecret ?? null,
  });
  return created.token;
}

/**
 * Calls `${base}${endpoint}` over HTTP as another server or a script would: GET, or POST with
 * a JSON body; a bearer token and extra headers when given.
 */
export async function callPeer(
  base: string,
  endpoint: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${endpoint}`, { method: body ? 'POST' : 'GET', headers, body });
  return { status: response.status, json: await jsonOf(response) };
}
