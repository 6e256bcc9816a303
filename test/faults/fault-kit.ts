// Helpers shared by the fault, security and load suites: seeding a repository of many rows
// through the real replication push (in batches, so 1,000 documents take one request),
// reading a repository back through the changes feed, running an instance sync to its end,
// and writing the figures a run produced so docs/reliability.md can quote them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { api } from '../support/api.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';

/** `SOAK=1` (pnpm test:soak) runs the full variants; the README's test command the short ones. */
export const SOAK = process.env.SOAK === '1';

export interface Seeded {
  name: string;
  repositoryUid: string;
  repositoryId: number;
}

async function push(url: string, token: string, collection: string, docs: object[]) {
  for (let start = 0; start < docs.length; start += 1000) {
    const rows = docs
      .slice(start, start + 1000)
      .map((doc) => ({ assumed_master_state: null, new_document_state: doc }));
    const result = await api<{ conflicts: unknown[] }>(url, token, 'POST', '/api/v1/sync/push', {
      collection,
      rows,
    });
    if (result.conflicts.length > 0)
      throw new Error(`seeding ${collection}: ${result.conflicts.length} conflicts`);
  }
}

/** A repository with `documents` documents spread over `documents / 10` tasks. */
export async function seedLarge(
  url: string,
  token: string,
  name: string,
  documents: number,
): Promise<Seeded> {
  const repository = repositoryDoc({ name, url: `https://example.com/${name}`, status: 'ready' });
  const tasks = Array.from({ length: Math.max(1, Math.ceil(documents / 10)) }, (_, index) =>
    taskDoc(repository.uid, { title: `${name} task ${index}`, status: 'succeeded', sort_order: index }),
  );
  const docs = Array.from({ length: documents }, (_, index) =>
    documentDoc(repository.uid, tasks[index % tasks.length]!.uid, {
      title: `${name} doc ${index}`,
      filename: `doc-${index}.md`,
      content: `# ${name} ${index}\n${randomUUID()}\n`,
      sort_order: index,
    }),
  );
  await push(url, token, 'repositories', [repository]);
  await push(url, token, 'tasks', tasks);
  await push(url, token, 'documents', docs);
  const stored = (await readAll(url, token, 'repositories')).find((row) => row.uid === repository.uid);
  const id = stored?.id;
  if (typeof id !== 'number') throw new Error(`seeded repository ${name} has no id`);
  return { name, repositoryUid: repository.uid, repositoryId: id };
}

type Row = Record<string, unknown>;

/** Every row of a collection (tombstones included) through the changes feed, in pages. */
export async function readAll(url: string, token: string, collection: string): Promise<Row[]> {
  const rows: Row[] = [];
  let checkpoint = 0;
  // Bounded: 200 pages of 1000 rows is far above anything these suites write.
  for (let page = 0; page < 200; page++) {
    const data = await api<{ documents: Row[]; checkpoint: { server_version: number }; has_more: boolean }>(
      url,
      token,
      'GET',
      `/api/v1/sync/changes?collection=${collection}&checkpoint=${checkpoint}&limit=1000`,
    );
    rows.push(...data.documents);
    checkpoint = data.checkpoint.server_version;
    if (!data.has_more) return rows;
  }
  throw new Error(`${collection}: more than 200 pages`);
}

/**
 * The content of the repository named `name`, as comparable values: every live task and
 * document by title, with the fields a sync must carry. Duplicates are kept (a duplicate
 * shows up as a repeated title), so equality with the source proves no duplicates and no
 * losses.
 */
export async function repositorySnapshot(url: string, token: string, name: string) {
  const repositories = (await readAll(url, token, 'repositories')).filter(
    (row) => row.name === name && !row._deleted,
  );
  if (repositories.length !== 1) return { repositories: repositories.length, tasks: [], documents: [] };
  const uid = repositories[0]!.uid;
  const allTasks = await readAll(url, token, 'tasks');
  const tasks = allTasks
    .filter((row) => row.repository_uid === uid && !row._deleted)
    .map((row) => `${String(row.title)}|${String(row.status)}|${String(row.sort_order)}`)
    .sort();
  const taskTitles = new Map(allTasks.map((row) => [row.uid as string, row.title as string]));
  const documents = (await readAll(url, token, 'documents'))
    .filter((row) => row.repository_uid === uid && !row._deleted)
    .map(
      (row) =>
        `${String(row.title)}|${String(row.content)}|${String(row.sort_order)}|${taskTitles.get(row.task_uid as string)}`,
    )
    .sort();
  return { repositories: 1, tasks, documents };
}

export interface SessionStatus {
  status: string;
  progress: number;
  completed_tasks: number;
  total_tasks: number;
  error: string | null;
}

/** Polls an instance-sync session until it ends, or gives up after `timeoutMs`. */
export async function waitSession(
  url: string,
  token: string,
  syncId: string,
  timeoutMs = 60_000,
): Promise<SessionStatus> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const status = await api<SessionStatus>(url, token, 'GET', `/api/sync/status/${syncId}`);
    if (status.status !== 'in_progress') return status;
    await sleep(50);
  }
  throw new Error(`session ${syncId} still running after ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Figures of a run, for docs/reliability.md: one JSON file per suite and database kind. */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = process.env.RELIABILITY_REPORT_DIR ?? join(tmpdir(), 'wikisync-reliability');
  mkdirSync(dir, { recursive: true });
  const entry = { suite, soak: SOAK, at: new Date().toISOString(), ...figures };
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(entry, null, 2)}\n`);
  console.log(`[reliability] ${JSON.stringify(entry)}`);
}
