// Initiator endpoints of /api/sync: start pushes and pulls, watch and cancel sessions, read
// history, manage targets and schedules, and browse a target's repositories and documents
// through this server (the browser never calls a peer itself).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import {
  ok,
  pullStartRequestSchema,
  pushStartRequestSchema,
  remoteListQuerySchema,
  scheduleDeleteRequestSchema,
  scheduleSaveRequestSchema,
  syncItemListQuerySchema,
  syncSessionListQuerySchema,
  targetDeleteRequestSchema,
  targetSaveRequestSchema,
} from '@wikisync/shared';
import type { Database, Queryable } from '../../db/database.js';
import { readQuery } from '../../http/validate.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { mayTouchRepository, requireScope, type SyncCaller, type SyncEnv } from '../peer-auth/sync-caller.js';
import { readSyncJson } from './sync-body.js';
import { serveStatusStream } from './status-stream.js';
import type { Initiator } from '../initiator/initiator.js';
import type { Scheduler } from '../schedules/scheduler.js';
import type { SecretBox } from '../peer-auth/secret-box.js';
import { getSession, listSessions, toStatus } from '../initiator/session-store.js';
import { getSessionDetail } from '../initiator/session-items.js';
import { deleteTarget, listTargets, saveTarget } from '../initiator/target-store.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules } from '../schedules/schedule-store.js';

export interface InitiatorRouteOptions {
  db: Database;
  box: SecretBox;
  initiator: Initiator;
  scheduler: Scheduler | undefined;
  maxBodyBytes: number;
}

/**
 * A token scoped to repositories sees only sessions of those repositories; any other is
 * answered as if it did not exist, so the token learns nothing of other repositories.
 */
async function visibleSession(db: Queryable, caller: SyncCaller, id: string) {
  const session = await getSession(db, id);
  if (
    caller.repositoryIds !== null &&
    (session.repository_id === null || !mayTouchRepository(caller, session.repository_id))
  )
    throw new NotFoundError(`Sync session ${id}`);
  return session;
}

/** Targets, schedules of pulls and remote lists span repositories: unscoped tokens only. */
function requireUnscoped(caller: SyncCaller, what: string): void {
  if (caller.repositoryIds !== null)
    throw new ForbiddenError(`A token scoped to repositories may not ${what}; use an unscoped token.`);
}

function requireOperator(caller: SyncCaller): void {
  if (caller.kind !== 'admin')
    throw new ForbiddenError('Only an operator (admin token) may change the saved targets.');
}

export function initiatorRoutes({ db, box, initiator, scheduler, maxBodyBytes }: InitiatorRouteOptions) {
  return new Hono<SyncEnv>()
    .post('/', async (c) => {
      const input = readSyncJson(c, pushStartRequestSchema, maxBodyBytes);
      const caller = c.get('syncCaller');
      const started = await initiator.startPush({
        target: { url: input.target_server },
        repositoryId: input.repository_id,
        documentIds: input.document_ids ?? null,
        clear: input.clear_target,
        kind: 'manual',
        caller,
      });
      return c.json(ok(started));
    })
    .post('/pull', async (c) => {
      const input = readSyncJson(c, pullStartRequestSchema, maxBodyBytes);
      const started = await initiator.startPull({
        target: { url: input.target_server },
        repositoryId: input.repository_id,
        documentIds: input.document_ids ?? null,
        clear: input.clear_local,
        kind: 'manual',
        caller: c.get('syncCaller'),
      });
      return c.json(ok(started));
    })
    .get('/status/:sync_id', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      // Read on the progress connections, so that a busy pool never holds the status back.
      return c.json(ok(toStatus(await visibleSession(db.progress, caller, c.req.param('sync_id')))));
    })
    .get('/status/:sync_id/stream', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      // Checked before the stream opens, so an unknown or hidden session is a plain 404.
      const session = await visibleSession(db.progress, caller, c.req.param('sync_id'));
      // Asks nginx (and proxies that honour it) not to buffer the events.
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, (stream) =>
        serveStatusStream(stream, {
          db: db.progress,
          session,
          runsHere: () => initiator.runs(session.id),
        }),
      );
    })
    .get('/sessions', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      return c.json(
        ok(await listSessions(db, readQuery(c, syncSessionListQuerySchema), caller.repositoryIds)),
      );
    })
    .get('/sessions/:id', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      await visibleSession(db, caller, c.req.param('id'));
      return c.json(ok(await getSessionDetail(db, c.req.param('id'), readQuery(c, syncItemListQuerySchema))));
    })
    .post('/sessions/:id/cancel', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      await visibleSession(db, caller, c.req.param('id'));
      await initiator.cancel(c.req.param('id'));
      return c.json(ok(toStatus(await getSession(db, c.req.param('id')))));
    })
    .get('/target-list', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      requireUnscoped(caller, 'list the saved targets (ask the operator for the target URL)');
      return c.json(ok(await listTargets(db)));
    })
    .post('/target-save', async (c) => {
      requireOperator(c.get('syncCaller'));
      return c.json(ok(await saveTarget(db, box, readSyncJson(c, targetSaveRequestSchema, maxBodyBytes))));
    })
    .post('/target-delete', async (c) => {
      requireOperator(c.get('syncCaller'));
      const { id } = readSyncJson(c, targetDeleteRequestSchema, maxBodyBytes);
      await deleteTarget(db, id);
      await scheduler?.reload();
      return c.json(ok({ id, deleted: true }));
    })
    .get('/schedule-list', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      // A scoped token sees the pushes of its repositories (a pull's repository is remote).
      const schedules = await listSchedules(db);
      return c.json(
        ok(
          caller.repositoryIds === null
            ? schedules
            : schedules.filter(
                (schedule) =>
                  schedule.direction === 'push' && mayTouchRepository(caller, schedule.repository_id),
              ),
        ),
      );
    })
    .post('/schedule-save', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      const input = readSyncJson(c, scheduleSaveRequestSchema, maxBodyBytes);
      if (caller.repositoryIds !== null)
        throw new ForbiddenError('Only an unscoped token may create schedules.');
      const schedule = await createSchedule(db, { ...input, createdBy: caller.name });
      await scheduler?.reload();
      return c.json(ok(schedule));
    })
    .post('/schedule-delete', async (c) => {
      const caller = c.get('syncCaller');
      requireScope(caller, 'initiate');
      const { id } = readSyncJson(c, scheduleDeleteRequestSchema, maxBodyBytes);
      const schedule = await getSchedule(db, id);
      if (
        caller.repositoryIds !== null &&
        (schedule.direction !== 'push' || !mayTouchRepository(caller, schedule.repository_id))
      )
        throw new NotFoundError(`Schedule ${id}`);
      await deleteSchedule(db, id);
      await scheduler?.reload();
      return c.json(ok({ id, deleted: true }));
    })
    .get('/remote/repository-list', async (c) => {
      requireScope(c.get('syncCaller'), 'initiate');
      requireUnscoped(c.get('syncCaller'), "browse a target's repositories with its stored token");
      const query = readQuery(c, remoteListQuerySchema);
      const client = await initiator.clientFor(query.target_id);
      return c.json(ok(await client.call('repository-list')));
    })
    .get('/remote/document-list', async (c) => {
      requireScope(c.get('syncCaller'), 'initiate');
      requireUnscoped(c.get('syncCaller'), "browse a target's documents with its stored token");
      const query = readQuery(c, remoteListQuerySchema);
      if (query.repository_id === undefined)
        throw new ValidationError('Invalid request: repository_id: is required (the remote repository).');
      const client = await initiator.clientFor(query.target_id);
      return c.json(ok(await client.call('document-list', { repository_id: query.repository_id })));
    });
}
