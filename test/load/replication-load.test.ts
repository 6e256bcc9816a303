// Load: many replication clients at once against one server process, each holding the
// change stream open and looping push → pull, while an instance sync of 1,000 documents
// runs from that server to a second one. Required: zero errors, zero lost writes (every
// acknowledged push is on the server and reaches its client's pulls), the sync completes
// with exactly the source rows, and the server's memory stays bounded. p50/p99 latency per
// endpoint is reported, never asserted.
// Short variant here; `pnpm test:soak` runs 100 clients for 60 s (LOAD_CLIENTS, LOAD_SECONDS).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repositoryDoc, taskDoc } from '@wikisync/shared/testing';
import { api } from '../support/api.js';
import { useServerProcesses } from '../support/server-process.js';
import {
  recordFigures,
  repositorySnapshot,
  seedLarge,
  sleep,
  SOAK,
  waitSession,
} from '../faults/fault-kit.js';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? (SOAK ? 100 : 25));
const SECONDS = Number(process.env.LOAD_SECONDS ?? (SOAK ? 60 : 10));
/** Far above what the server needs (about 150 MB here): catches a leak, not a slow machine. */
const MEMORY_LIMIT_MB = 1024;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

describe(`replication under load: ${CLIENTS} clients for ${SECONDS} s`, () => {
  // One admin token plays every client here, while MAX_STREAMS_PER_USER (16) is sized for one
  // person's devices; the per-process cap (MAX_STREAMS) still applies.
  const env = {
    SYNC_SECRET_KEY: 'load-secret-key-0123456789abcdef',
    MAX_STREAMS_PER_USER: String(CLIENTS + 10),
  };
  const [a, b] = useServerProcesses({ env }, { env });

  it(
    'serves every request without error or lost write while an instance sync runs',
    async () => {
      const latencies: Record<string, number[]> = { push: [], changes: [], stream: [] };
      const errors: string[] = [];
      let requests = 0;
      const headers = { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/json' };

      async function timed<T>(endpoint: string, run: () => Promise<Response>): Promise<T | null> {
        const started = performance.now();
        requests++;
        try {
          const response = await run();
          const body = (await response.json()) as { data: T; error?: string };
          latencies[endpoint]!.push(performance.now() - started);
          if (!response.ok) {
            errors.push(`${endpoint} ${response.status} ${body.error}`);
            return null;
          }
          return body.data;
        } catch (error) {
          errors.push(`${endpoint} ${(error as Error).message}`);
          return null;
        }
      }

      const repository = repositoryDoc({ name: 'under-load' });
      await api(a.url, a.adminToken, 'POST', '/api/v1/sync/push', {
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: repository }],
      });
      const seeded = await seedLarge(a.url, a.adminToken, 'synced-under-load', 1000);
      await api(a.url, a.adminToken, 'POST', '/api/sync/target-save', {
        url: `${b.url}/api/sync`,
        token: b.adminToken,
      });

      const pid = a.pid()!;
      const memory: number[] = [rssMb(pid)];
      const until = Date.now() + SECONDS * 1000;
      const sampler = setInterval(() => memory.push(rssMb(pid)), 500);
      const acknowledged = new Set<string>();
      let streamEvents = 0;
      const controllers: AbortController[] = [];

      async function client(index: number) {
        // The stream: time to `ready` is its latency; `change` events are counted.
        const controller = new AbortController();
        controllers.push(controller);
        const started = performance.now();
        requests++;
        const response = await fetch(`${a.url}/api/v1/sync/stream`, {
          headers,
          signal: controller.signal,
        }).catch((error: Error) => {
          errors.push(`stream ${error.message}`);
          return null;
        });
        if (response && !response.ok) errors.push(`stream ${response.status}`);
        const reading = response?.ok
          ? (async () => {
              const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
              let first = true;
              for (;;) {
                const { value, done } = await reader.read();
                if (done) return;
                if (first && value.includes('event: ready'))
                  latencies.stream!.push(performance.now() - started);
                first = false;
                streamEvents += value.split('event: change').length - 1;
              }
            })().catch((error: Error) => {
              if (!controller.signal.aborted) errors.push(`stream read ${error.message}`);
            })
          : Promise.resolve();

        let checkpoint = 0;
        const mine = new Set<string>();
        const seen = new Set<string>();
        // Pull everything new, page by page (bounded), as RxDB does.
        const pullNew = async () => {
          for (let page = 0; page < 50; page++) {
            const changes = await timed<{
              documents: { uid: string }[];
              checkpoint: { server_version: number };
              has_more: boolean;
            }>('changes', () =>
              fetch(`${a.url}/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint}&limit=500`, {
                headers,
              }),
            );
            if (!changes) break;
            for (const row of changes.documents) seen.add(row.uid);
            checkpoint = changes.checkpoint.server_version;
            if (!changes.has_more) break;
          }
        };
        for (let n = 0; Date.now() < until; n++) {
          const task = taskDoc(repository.uid, { title: `client ${index} write ${n}` });
          const pushed = await timed<{ conflicts: unknown[] }>('push', () =>
            fetch(`${a.url}/api/v1/sync/push`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                collection: 'tasks',
                rows: [{ assumed_master_state: null, new_document_state: task }],
              }),
            }),
          );
          if (pushed) {
            if (pushed.conflicts.length > 0) errors.push(`push conflict for ${task.uid}`);
            else {
              acknowledged.add(task.uid);
              mine.add(task.uid);
            }
          }
          await pullNew();
          await sleep(Math.random() * 50);
        }
        // A write is served once every writer that began before it has ended (docs/replication.md),
        // so the last one may come a pull later, as a client's next change event would bring it.
        const catchUp = Date.now() + 15_000;
        while ([...mine].some((uid) => !seen.has(uid)) && Date.now() < catchUp) {
          await sleep(20);
          await pullNew();
        }
        return { mine, seen, reading };
      }

      const sync = (async () => {
        await sleep(500);
        const started = await api<{ sync_id: string }>(a.url, a.adminToken, 'POST', '/api/sync', {
          target_server: `${b.url}/api/sync`,
          repository_id: seeded.repositoryId,
        });
        return waitSession(a.url, a.adminToken, started.sync_id, SECONDS * 1000 + 120_000);
      })();

      const results = await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
      const session = await sync;
      clearInterval(sampler);
      memory.push(rssMb(pid));
      for (const controller of controllers) controller.abort();
      await Promise.all(results.map((result) => result.reading));

      // Every client's own acknowledged writes came back in its pulls.
      const unseen = results.flatMap((result) => [...result.mine].filter((uid) => !result.seen.has(uid)));
      // Every acknowledged write is on the server.
      const stored = new Set<string>();
      let checkpoint = 0;
      for (let page = 0; page < 1000; page++) {
        const data = await api<{
          documents: { uid: string }[];
          checkpoint: { server_version: number };
          has_more: boolean;
        }>(
          a.url,
          a.adminToken,
          'GET',
          `/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint}&limit=1000`,
        );
        for (const row of data.documents) stored.add(row.uid);
        checkpoint = data.checkpoint.server_version;
        if (!data.has_more) break;
      }
      const lost = [...acknowledged].filter((uid) => !stored.has(uid));

      const report: Record<string, { count: number; p50: number; p99: number }> = {};
      for (const [endpoint, values] of Object.entries(latencies)) {
        const sorted = [...values].sort((x, y) => x - y);
        report[endpoint] = {
          count: sorted.length,
          p50: Math.round(percentile(sorted, 50) * 10) / 10,
          p99: Math.round(percentile(sorted, 99) * 10) / 10,
        };
      }
      const source = await repositorySnapshot(a.url, a.adminToken, 'synced-under-load');
      const copy = await repositorySnapshot(b.url, b.adminToken, 'synced-under-load');
      recordFigures(`load-${a.kind}`, {
        kind: a.kind,
        clients: CLIENTS,
        seconds: SECONDS,
        requests,
        errors: errors.length,
        writesAcknowledged: acknowledged.size,
        lost: lost.length,
        unseen: unseen.length,
        streamEvents,
        latencyMs: report,
        rssMb: {
          start: Math.round(memory[0]!),
          peak: Math.round(Math.max(...memory)),
          end: Math.round(memory.at(-1)!),
        },
        instanceSync: { status: session.status, documents: copy.documents.length },
      });

      expect(errors.slice(0, 5)).toEqual([]);
      expect(acknowledged.size).toBeGreaterThan(CLIENTS);
      expect(lost).toEqual([]);
      expect(unseen).toEqual([]);
      expect(streamEvents).toBeGreaterThan(0);
      expect(session).toMatchObject({ status: 'completed', error: null });
      expect(copy.documents).toEqual(source.documents);
      expect(Math.max(...memory)).toBeLessThan(MEMORY_LIMIT_MB);
    },
    SECONDS * 1000 + 180_000,
  );
});
