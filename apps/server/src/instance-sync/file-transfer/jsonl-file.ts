// Moving a repository through a file (air-gapped copies, backups): one JSON object per line,
// a header naming the source instance, the repository, then tasks, then documents. Import
// goes through the same mapping code as a pull, with the file's instance as the peer, so
// importing the same file twice, or pulling later from that instance, updates one copy.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SYNC_SCOPES, uidSchema } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { BadRequestError } from '../../errors.js';
import { exportRepository } from '../source/source.js';
import { instanceUid } from '../peer-auth/instance-identity.js';
import { importingCaller, LocalImport } from '../receiver/local-import.js';

export const FILE_FORMAT = 'wikisync-repository';
const PAGE = 500;

export async function exportToFile(
  db: Database,
  repositoryId: number,
  path: string,
): Promise<{ tasks: number; documents: number }> {
  const caller = {
    kind: 'admin' as const,
    name: 'export',
    scopes: new Set(SYNC_SCOPES),
    repositoryIds: null,
    peerKey: 'export',
  };
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  let tasks = 0;
  let documents = 0;
  try {
    let cursor: string | undefined;
    let first = true;
    do {
      const page = await exportRepository(db, caller, {
        repository_id: repositoryId,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (first) {
        first = false;
        await write({
          type: 'header',
          format: FILE_FORMAT,
          version: 1,
          instance_uid: await instanceUid(db),
          repository_id: repositoryId,
          exported_at: new Date().toISOString(),
        });
        await write({ type: 'repository', ...page.repository });
      }
      // A task line carries its usages, which an import then puts in place of the held ones.
      const usages = page.task_usages ?? [];
      for (const task of page.tasks) {
        const own = task.deleted ? undefined : usages.filter((usage) => usage.task_id === task.task_id);
        await write({ type: 'task', ...task, ...(own ? { task_usages: own } : {}) });
      }
      for (const document of page.documents) await write({ type: 'document', ...document });
      tasks += page.tasks.length;
      documents += page.documents.length;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { tasks, documents };
}

export interface ImportResult {
  repository_id: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export async function importFromFile(db: Database, path: string, startedBy: string): Promise<ImportResult> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let importer: LocalImport | undefined;
  let header: { instance_uid: string } | undefined;
  let tasks: Record<string, unknown>[] = [];
  let documents: Record<string, unknown>[] = [];
  const result: ImportResult = {
    repository_id: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 0,
  };
  const flush = async () => {
    if (!importer || (tasks.length === 0 && documents.length === 0)) return;
    const outcome = await importer.rows(tasks, documents);
    for (const row of [...outcome.tasks, ...outcome.documents])
      if (row.result !== 'skipped') result[row.result]++;
    tasks = [];
    documents = [];
  };
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new BadRequestError(
        `${path} line ${number} is not JSON; is this a file written by \`wikisync sync export\`?`,
      );
    }
    const { type, ...row } = value;
    if (number === 1) {
      if (type !== 'header' || row.format !== FILE_FORMAT || !uidSchema.safeParse(row.instance_uid).success) {
        throw new BadRequestError(
          `${path} does not start with a ${FILE_FORMAT} header; export it with \`wikisync sync export\`.`,
        );
      }
      header = { instance_uid: String(row.instance_uid) };
      importer = new LocalImport(db, importingCaller(`instance:${header.instance_uid}`, startedBy));
      continue;
    }
    if (!importer) throw new BadRequestError(`${path} has no header line.`);
    if (type === 'repository') {
      result.repository_id = (await importer.repository(row, false)).localId;
    } else if (type === 'task') {
      if (documents.length > 0) await flush();
      tasks.push(row);
    } else if (type === 'document') {
      documents.push(row);
    } else {
      throw new BadRequestError(`${path} line ${number} has an unknown type ${JSON.stringify(type)}.`);
    }
    if (tasks.length + documents.length >= PAGE) await flush();
  }
  await flush();
  if (!importer || result.repository_id === 0) throw new BadRequestError(`${path} holds no repository.`);
  await importer.finish();
  return result;
}
