// Receiver and source endpoints of /api/sync (PROTOCOL.md §2). Thin: check the scope, read
// the body with its endpoint's request schema from SYNC_ENDPOINTS (the table our own sender
// calls by; a test holds the two to each other), call receiver.ts / source.ts.
import { Hono, type Context } from 'hono';
import {
  BATCH_MISSING_TASKS,
  BATCH_REPOSITORY,
  DOC_UID_REFERENCE,
  RUN_AFTER_UID_REFERENCE,
  REPLACED_BY_UID_REFERENCE,
  COPY_FORMAT,
  PG_TEXT_FORMAT,
  PG_TEXT_TASKS_FORMAT,
  ERROR_CODES,
  ok,
  PROTOCOL_VERSION,
  SYNC_ENDPOINTS,
  type SyncCapabilities,
  type SyncEndpointReceived,
  type SyncPostEndpointName,
  type SyncScope,
} from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { readQuery } from '../../http/validate.js';
import { requireScope, type SyncCaller, type SyncEnv } from '../peer-auth/sync-caller.js';
import { readSyncCopy, readSyncJson } from './sync-body.js';
import { applyCopy } from '../receiver/copy-receiver.js';
import { instanceUid } from '../peer-auth/instance-identity.js';
import { applyBatch } from '../receiver/batch-receiver.js';
import { receiveKey, ReceiveSlots } from '../receiver/receive-slots.js';
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
  /** Offer and take `copy-upsert` (SYNC_COPY, on unless turned off). */
  copy?: boolean;
}

/** What we tell our own senders in `ping`; openDeepWiki senders ignore it. */
export function capabilities(maxBodyBytes: number, copy = true): SyncCapabilities {
  return {
    batch: true,
    max_batch_rows: 2000,
    // Half the body limit leaves room for JSON escaping differences between peers.
    max_batch_bytes: Math.max(64 * 1024, Math.floor(maxBodyBytes / 2)),
    concurrency: 4,
    compression: ['gzip'],
    paged_export: true,
    copy: copy ? [COPY_FORMAT, PG_TEXT_FORMAT, PG_TEXT_TASKS_FORMAT] : [],
    references: [DOC_UID_REFERENCE, RUN_AFTER_UID_REFERENCE, REPLACED_BY_UID_REFERENCE],
    batch_options: [BATCH_REPOSITORY, BATCH_MISSING_TASKS],
  };
}

/** The caller, once it has shown that its token has `scope`. */
function callerWith(c: Context<SyncEnv>, scope: SyncScope): SyncCaller {
  const caller = c.get('syncCaller');
  requireScope(caller, scope);
  return caller;
}

export function peerRoutes({ db, maxBodyBytes, copy = true }: PeerRouteOptions) {
  // The cast only names the schema's output per endpoint, which TypeScript cannot narrow itself.
  const body = <E extends SyncPostEndpointName>(c: Context<SyncEnv>, endpoint: E) =>
    readSyncJson(c, SYNC_ENDPOINTS[endpoint].request, maxBodyBytes) as SyncEndpointReceived<E>;
  const slots = new ReceiveSlots();
  return new Hono<SyncEnv>()
    .get('/ping', async (c) =>
      c.json(
        ok({
          protocol_version: PROTOCOL_VERSION,
          instance_uid: await instanceUid(db),
          server_time: new Date().toISOString(),
          capabilities: capabilities(maxBodyBytes, copy),
        }),
      ),
    )
    .post('/repository-upsert', async (c) => {
      const caller = callerWith(c, 'receive');
      const { repository_id, name } = await upsertRepository(db, caller, body(c, 'repository-upsert'));
      return c.json(ok({ repository_id, name }));
    })
    .post('/repository-clear', async (c) => {
      const caller = callerWith(c, 'receive');
      const input = body(c, 'repository-clear');
      return c.json(ok({ repository_id: await clearRepository(db, caller, input.repository_id) }));
    })
    .post('/task-create', async (c) => {
      const caller = callerWith(c, 'receive');
      const { task_id, repository_id, title } = await createTaskCall(db, caller, body(c, 'task-create'));
      return c.json(ok({ task_id, repository_id, title }));
    })
    .post('/document-create', async (c) => {
      const caller = callerWith(c, 'receive');
      const input = body(c, 'document-create');
      const { document_id, repository_id, task_id } = await createDocumentCall(db, caller, input);
      return c.json(ok({ document_id, repository_id, task_id }));
    })
    .post('/task-update-docid', async (c) => {
      const caller = callerWith(c, 'receive');
      return c.json(ok(await updateTaskDocId(db, caller, body(c, 'task-update-docid'))));
    })
    .post('/task-usage-create', async (c) => {
      const caller = callerWith(c, 'receive');
      return c.json(ok(await createTaskUsages(db, caller, body(c, 'task-usage-create'))));
    })
    .post('/batch-upsert', async (c) => {
      const caller = callerWith(c, 'receive');
      const input = body(c, 'batch-upsert');
      const key = receiveKey(caller.peerKey, input.repository_id);
      return c.json(ok(await slots.run(key, () => applyBatch(db, caller, input))));
    })
    .post('/copy-upsert', async (c) => {
      if (!copy)
        throw new AppError(
          ERROR_CODES.NOT_FOUND,
          'copy-upsert is turned off on this server (SYNC_COPY=off); send the rows with batch-upsert.',
        );
      const caller = callerWith(c, 'receive');
      const input = readSyncCopy(c, maxBodyBytes);
      const key = receiveKey(caller.peerKey, input.header.repository_id);
      return c.json(ok(await slots.run(key, () => applyCopy(db, caller, input))));
    })
    .get('/repository-list', async (c) => {
      const caller = callerWith(c, 'export');
      return c.json(ok(await listExportableRepositories(db, caller)));
    })
    .get('/document-list', async (c) => {
      const caller = callerWith(c, 'export');
      const query = readQuery(c, SYNC_ENDPOINTS['document-list'].request);
      return c.json(ok(await listExportableDocuments(db, caller, query.repository_id)));
    })
    .post('/pull-export', async (c) => {
      const caller = callerWith(c, 'export');
      return c.json(ok(await exportRepository(db, caller, body(c, 'pull-export'))));
    });
}
