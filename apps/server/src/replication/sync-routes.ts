// `/api/v1/sync/*` (PROTOCOL.md §1): thin routes that validate with the shared schemas and
// call the replication functions. Mounted behind the API's bearer auth and body limit.
import { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import {
  changesQuerySchema,
  conflictListQuerySchema,
  ok,
  pushRequestSchema,
  resolveConflictRequestSchema,
  STREAM_EVENTS,
  STREAM_HEARTBEAT_MS,
  streamQuerySchema,
  type StreamAccessEvent,
  syncStatusQuerySchema,
  type StreamChangeEvent,
} from '@wikisync/shared';
import type { AppDeps, AppEnv } from '../context.js';
import { readJson, readQuery } from '../http/validate.js';
import { readChanges } from './changes-feed.js';
import { checkPush } from './push.js';
import { PushGroups } from './push-groups.js';
import { resolveConflict } from './resolve-conflict.js';
import { listResolutions } from './conflict-log.js';
import { readSyncStatus } from './sync-status.js';
import { type ChangeHub, changeHubFor } from './change-hub.js';
import type { Principal } from '../auth/principal.js';
import { StreamSlots } from './stream-slots.js';
import { requireCompatibleClient } from './client-version.js';

export interface SyncRouteOptions {
  /** How long an idle stream waits before a heartbeat comment; PROTOCOL.md asks for ≤ 15 s. */
  heartbeatMs?: number;
}

export function syncRoutes(
  { db, config, metrics }: AppDeps,
  { heartbeatMs = STREAM_HEARTBEAT_MS - 1000 }: SyncRouteOptions = {},
) {
  const hub = changeHubFor(db);
  const pushes = new PushGroups(db);
  const slots = new StreamSlots(config.maxStreamsPerUser, config.maxStreams);
  return new Hono<AppEnv>()
    .use('/push', requireCompatibleClient())
    .use('/resolve-conflict', requireCompatibleClient())
    .get('/changes', async (c) => {
      const changes = await readChanges(db, c.get('principal'), readQuery(c, changesQuerySchema));
      metrics?.rowsPulled.inc(changes.documents.length);
      return c.json(ok(changes));
    })
    .post('/push', async (c) => {
      const request = await readJson(c, pushRequestSchema);
      const conflicts = await pushes.write(c.get('principal'), checkPush(request));
      metrics?.rowsPushed.inc(request.rows.length);
      return c.json(ok({ conflicts }));
    })
    .post('/resolve-conflict', async (c) => {
      const request = await readJson(c, resolveConflictRequestSchema);
      return c.json(
        ok(await resolveConflict(db, c.get('principal'), request, config.conflictLogRetentionDays)),
      );
    })
    .get('/conflicts', async (c) =>
      c.json(
        ok({
          items: await listResolutions(
            db,
            c.get('principal'),
            readQuery(c, conflictListQuerySchema),
            config.conflictLogRetentionDays,
          ),
        }),
      ),
    )
    .get('/status', async (c) =>
      c.json(
        ok({
          ...(await readSyncStatus(db, c.get('principal'), readQuery(c, syncStatusQuerySchema))),
          offline_all_up_to: config.offlineAllUpTo,
        }),
      ),
    )
    .get('/stream', (c) => {
      const principal = c.get('principal');
      const { repositories } = readQuery(c, streamQuerySchema);
      const release = slots.take(principal.userId);
      metrics?.openStreams.inc();
      // Asks nginx (and proxies that honour it) not to buffer the events.
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        try {
          await serveChangeStream(stream, hub, principal, heartbeatMs, repositories);
        } finally {
          release();
          metrics?.openStreams.dec();
        }
      });
    });
}

/**
 * Sends `ready`, then changes, access changes and heartbeats until the client leaves or its
 * token stops working. With `repositories`, only changes of those repositories are announced.
 */
async function serveChangeStream(
  stream: SSEStreamingApi,
  hub: ChangeHub,
  principal: Principal,
  heartbeatMs: number,
  repositories: number[] | undefined,
): Promise<void> {
  const queue: { event: string; data: StreamChangeEvent | StreamAccessEvent }[] = [];
  let wake: () => void = () => {};
  let revoked = false;
  const unsubscribe = await hub.subscribe(
    principal,
    (event) => {
      queue.push({ event: STREAM_EVENTS.change, data: event });
      wake();
    },
    () => {
      revoked = true;
      wake();
    },
    {
      repositories,
      onAccess: (ids) => {
        queue.push({ event: STREAM_EVENTS.access, data: { readable_repository_ids: ids } });
        wake();
      },
    },
  );
  stream.onAbort(() => wake());
  try {
    // Only now is LISTEN active; clients pull on `ready`, so no commit falls in between.
    await stream.writeSSE({
      event: STREAM_EVENTS.ready,
      data: JSON.stringify({ server_time: new Date().toISOString() }),
    });
    while (!stream.aborted && !stream.closed && !revoked) {
      if (queue.length === 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, heartbeatMs);
        });
        clearTimeout(timer);
        wake = () => {};
      }
      if (stream.aborted || stream.closed || revoked) break;
      if (queue.length === 0) {
        await stream.write(': heartbeat\n\n');
        continue;
      }
      for (const { event, data } of queue.splice(0)) {
        await stream.writeSSE({ event, data: JSON.stringify(data) });
      }
    }
  } finally {
    await unsubscribe();
  }
}
