// Receiver and source endpoints of /api/sync (PROTOCOL.md §2). Thin: check the scope, read
// the body with the shared schemas, call receiver.ts / source.ts.
import { Hono } from 'hono';
import {
  batchUpsertRequestSchema,
  documentCreateRequestSchema,
  documentListQuerySchema,
  ok,
  PROTOCOL_VERSION,
  pullExportRequestSchema,
  repositoryClearRequestSchema,
  repositoryUpsertRequestSchema,
  taskCreateRequestSchema,
  taskUpdateDocIdRequestSchema,
  taskUsageCreateRequestSchema,
  type SyncCapabilities,
} from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { readQuery } from '../../http/validate.js';
import { requireScope, type SyncEnv } from '../peer-auth/sync-caller.js';
import { readSyncJson } from './sync-body.js';
import { instanceUid } from '../peer-auth/instance-identity.js';
import { applyBatch } from '../receiver/batch-receiver.js';
import { clearRepository, upsertRepository } from '../receiver/receiver.js';
import {
  createDocumentCall,
  createTaskCall,
  createTaskUsages,
  updateTaskDocId,
} from '../receiver/row-calls.js';
import { exportRepository, listExportableDocuments, listExportableRepositories } from '../source/source.js';

export interface PeerRouteOptions {
  db: Database;
  maxBodyBytes: number;
}

/** What we tell our own senders in `ping`; openDeepWiki senders ignore it. */
export function capabilities(maxBodyBytes: number): SyncCapabilities {
  return {
    batch: true,
    max_batch_rows: 1000,
    // Half the body limit leaves room for JSON escaping differences between peers.
    max_batch_bytes: Math.max(64 * 1024, Math.floor(maxBodyBytes / 2)),
    concurrency: 4,
    compression: ['gzip'],
    paged_export: true,
  };
}

export function peerRoutes({ db, maxBodyBytes }: PeerRouteOptions) {
  const body = <S extends Parameters<typeof readSyncJson>[1]>(
    c: Parameters<typeof readSyncJson>[0],
    schema: S,
  ) => readSyncJson(c, schema, maxBodyBytes);
  return new Hono<SyncEnv>()
    .get('/ping', async (c) =>
      c.json(
        ok({
          protocol_version: PROTOCOL_VERSION,
          instance_uid: await instanceUid(db),
          server_time: new Date().toISOString(),
          capabilities: capabilities(maxBodyBytes),
        }),
      ),
    )
    .post('/repository-upsert', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      const { repository_id, name } = await upsertRepository(
        db,
        caller,
        body(c, repositoryUpsertRequestSchema),
      );
      return c.json(ok({ repository_id, name }));
    })
    .post('/repository-clear', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      const input = body(c, repositoryClearRequestSchema);
      return c.json(ok({ repository_id: await clearRepository(db, caller, input.repository_id) }));
    })
    .post('/task-create', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      const { task_id, repository_id, title } = await createTaskCall(
        db,
        caller,
        body(c, taskCreateRequestSchema),
      );
      return c.json(ok({ task_id, repository_id, title }));
    })
    .post('/document-create', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      const { document_id, repository_id, task_id } = await createDocumentCall(
        db,
        caller,
        body(c, documentCreateRequestSchema),
      );
      return c.json(ok({ document_id, repository_id, task_id }));
    })
    .post('/task-update-docid', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      return c.json(ok(await updateTaskDocId(db, caller, body(c, taskUpdateDocIdRequestSchema))));
    })
    .post('/task-usage-create', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      return c.json(ok(await createTaskUsages(db, caller, body(c, taskUsageCreateRequestSchema))));
    })
    .post('/batch-upsert', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'receive');
      return c.json(ok(await applyBatch(db, caller, body(c, batchUpsertRequestSchema))));
    })
    .get('/repository-list', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'export');
      return c.json(ok(await listExportableRepositories(db, caller)));
    })
    .get('/document-list', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'export');
      const query = readQuery(c, documentListQuerySchema);
      return c.json(ok(await listExportableDocuments(db, caller, query.repository_id)));
    })
    .post('/pull-export', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'export');
      return c.json(ok(await exportRepository(db, caller, body(c, pullExportRequestSchema))));
    });
}
