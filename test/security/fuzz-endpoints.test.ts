// Every endpoint, fed fast-check-generated garbage: wrong types, missing and extra fields,
// huge strings, deep nesting, invalid UTF-8, numeric overflow, other users' ids. Each answer
// must be a 4xx with a message (or a 2xx when the input happened to be valid), never a 500
// or a hang, and a rejected request must leave the database exactly as it was.
//   FUZZ_RUNS=<n> runs more cases per endpoint (default 12; 100 under SOAK=1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestApp, type TestApp, jsonOf } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { loadConfig } from '../../apps/server/src/config.js';
import { databaseFingerprint } from '../support/db-fingerprint.js';
import { recordFigures, SOAK } from '../faults/fault-kit.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? (SOAK ? 100 : 12));
const HANG_MS = 10_000;

interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** A plausible body whose fields the fuzzer breaks one way or another. */
  template?: Record<string, unknown>;
  /** Calls a saved peer: an unreachable peer is a 502-504 gateway answer, not a fault. */
  contactsPeer?: boolean;
}

function endpoints(ids: { repository: number; task: number; document: number; docUid: string }): Endpoint[] {
  return [
    { method: 'GET', path: '/api/repositories' },
    {
      method: 'POST',
      path: '/api/repositories',
      template: { name: 'r', url: 'u', status: 'ready', size_mb: 1 },
    },
    { method: 'GET', path: `/api/repositories/${ids.repository}` },
    {
      method: 'PATCH',
      path: `/api/repositories/${ids.repository}`,
      template: { name: 'n', metadata: { a: 1 } },
    },
    { method: 'DELETE', path: `/api/repositories/:id` },
    { method: 'GET', path: '/api/tasks' },
    {
      method: 'POST',
      path: '/api/tasks',
      template: { repository_id: ids.repository, title: 't', sort_order: 1 },
    },
    { method: 'PATCH', path: `/api/tasks/${ids.task}`, template: { title: 't', doc_id: ids.document } },
    { method: 'DELETE', path: `/api/tasks/:id` },
    { method: 'GET', path: '/api/documents' },
    {
      method: 'POST',
      path: '/api/documents',
      template: { repository_id: ids.repository, task_id: ids.task, title: 'd', content: 'c', version: 1 },
    },
    {
      method: 'PATCH',
      path: `/api/documents/${ids.document}`,
      template: { content: 'x', replaced_by: ids.document },
    },
    { method: 'DELETE', path: `/api/documents/:id` },
    {
      method: 'GET',
      path: '/api/v1/sync/changes',
      template: { collection: 'documents', checkpoint: 0, limit: 10 },
    },
    {
      method: 'POST',
      path: '/api/v1/sync/push',
      template: {
        collection: 'documents',
        rows: [
          {
            assumed_master_state: null,
            new_document_state: { uid: ids.docUid, title: 'x', _deleted: false },
          },
        ],
      },
    },
    {
      method: 'POST',
      path: '/api/v1/sync/resolve-conflict',
      template: { collection: 'documents', uid: ids.docUid, resolution: 'server', base: null },
    },
    { method: 'GET', path: '/api/v1/sync/conflicts' },
    { method: 'GET', path: '/api/v1/sync/status' },
    { method: 'GET', path: '/api/sync/ping' },
    {
      method: 'POST',
      path: '/api/sync/repository-upsert',
      template: { repository_id: 7, name: 'r', status: 'ready' },
    },
    { method: 'POST', path: '/api/sync/repository-clear', template: { repository_id: 7 } },
    { method: 'POST', path: '/api/sync/task-create', template: { task_id: 3, repository_id: 7, title: 't' } },
    {
      method: 'POST',
      path: '/api/sync/document-create',
      template: { document_id: 4, repository_id: 7, task_id: ids.task, title: 'd', content: 'c' },
    },
    {
      method: 'POST',
      path: '/api/sync/task-update-docid',
      template: { task_id: ids.task, document_id: ids.document },
    },
    {
      method: 'POST',
      path: '/api/sync/batch-upsert',
      template: { repository_id: 7, tasks: [], documents: [] },
    },
    { method: 'GET', path: '/api/sync/repository-list' },
    { method: 'GET', path: '/api/sync/document-list', template: { repository_id: ids.repository } },
    { method: 'POST', path: '/api/sync/pull-export', template: { repository_id: ids.repository } },
    {
      method: 'POST',
      path: '/api/sync',
      template: { target_server: 'http://127.0.0.1:9/api/sync', repository_id: 1 },
    },
    {
      method: 'POST',
      path: '/api/sync/pull',
      template: { target_server: 'http://127.0.0.1:9/api/sync', repository_id: 1 },
    },
    { method: 'GET', path: '/api/sync/status/:id' },
    { method: 'GET', path: '/api/sync/sessions' },
    { method: 'GET', path: '/api/sync/sessions/:id' },
    { method: 'POST', path: '/api/sync/sessions/:id/cancel' },
    { method: 'GET', path: '/api/sync/target-list' },
    { method: 'POST', path: '/api/sync/target-save', template: { url: 'http://127.0.0.1:9/api/sync' } },
    { method: 'POST', path: '/api/sync/target-delete', template: { id: 1 } },
    { method: 'GET', path: '/api/sync/schedule-list' },
    {
      method: 'POST',
      path: '/api/sync/schedule-save',
      template: { cron: '* * * * *', target_id: 1, repository_id: 1, direction: 'push' },
    },
    { method: 'POST', path: '/api/sync/schedule-delete', template: { id: 1 } },
    {
      method: 'GET',
      path: '/api/sync/remote/repository-list',
      template: { target_id: 1 },
      contactsPeer: true,
    },
    {
      method: 'GET',
      path: '/api/sync/remote/document-list',
      template: { target_id: 1, repository_id: 1 },
      contactsPeer: true,
    },
  ];
}

/** Values of the wrong kind, at the edges, or simply too big. */
const nasty = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    -1,
    0,
    1.5,
    2 ** 63,
    -(2 ** 63),
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '99999999999999999999999',
    '',
    '\u0000',
    '\uD800',
    'x'.repeat(200_000),
    "'; DROP TABLE documents; --",
    '<script>alert(1)</script>',
    null,
    true,
    [],
    {},
  ),
  fc.integer({ min: 1, max: 200 }).map((depth) => {
    let value: unknown = 'deep';
    for (let i = 0; i < depth * 20; i++) value = i % 2 ? [value] : { nested: value };
    return value;
  }),
);

/** Any value as query-string text (fast-check makes objects without a prototype, too). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return 'unserialisable';
  }
}

type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Uint8Array };

function bodies(template: Record<string, unknown> | undefined): fc.Arbitrary<Body> {
  const keys = Object.keys(template ?? { name: 1 });
  const base = template ?? {};
  const mutated = fc.oneof(
    fc.constantFrom(...keys).chain((key) => nasty.map((value) => ({ ...base, [key]: value }))),
    fc
      .constantFrom(...keys)
      .map((key) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))),
    fc
      .dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 4 })
      .map((extra) => ({ ...base, ...extra })),
    nasty,
  );
  return fc.oneof(
    { weight: 5, arbitrary: mutated.map((value): Body => ({ kind: 'json', value })) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((bytes): Body => ({ kind: 'raw', bytes: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, ...bytes]) })),
    },
  );
}

const pathIds = fc.oneof(
  fc.constantFrom('0', '-1', 'abc', '1.5', '99999999999999999999', '%00', '..%2F..%2Fetc', 'x'.repeat(5000)),
  fc.integer({ min: 1, max: 1_000_000 }).map(String),
);

describe.each(testDatabaseKinds())('fuzzing every endpoint on %s', (kind) => {
  let t: TestApp;
  let outsider: string;
  let table: Endpoint[];
  let cases = 0;
  /** Answers by class: 2xx (the input happened to be valid), 4xx, and 502-504 from a peer call. */
  const answers = { accepted: 0, refused: 0, gateway: 0 };

  beforeAll(async () => {
    // No scheduler: a schedule the fuzzer happens to save must not start syncs at a minute
    // boundary in the middle of a refused request. Quick retries: the syncs an accepted request
    // starts (towards a dead port) end quickly, and the next case waits for them.
    const defaults = loadConfig({});
    t = await startTestApp(kind, {
      maxBodyBytes: 256 * 1024,
      sync: { ...defaults.sync, schedulerEnabled: false, retryBaseMs: 20 },
    });
    const repository = (
      await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'fuzz' } }))
    ).data;
    const task = (
      await jsonOf(
        await t.request('POST', '/api/tasks', { body: { repository_id: repository.id, title: 't' } }),
      )
    ).data;
    const document = (
      await jsonOf(
        await t.request('POST', '/api/documents', {
          body: { repository_id: repository.id, task_id: task.id, title: 'd', content: 'c' },
        }),
      )
    ).data;
    outsider = (await t.createUserWithToken('outsider')).token;
    table = endpoints({
      repository: repository.id,
      task: task.id,
      document: document.id,
      docUid: document.uid,
    });
  });
  afterAll(async () => {
    await t.close();
    recordFigures(`fuzz-${kind}`, {
      kind,
      endpoints: table.length,
      runsPerEndpoint: RUNS,
      requests: cases,
      answers,
    });
  });

  /**
   * A sync an earlier, accepted request started runs on in the background and writes its
   * session row until it ends; a refused request is judged only once none is running.
   */
  async function backgroundSyncsEnded(): Promise<void> {
    const until = Date.now() + 60_000;
    const running = () =>
      t.database.db.query(`SELECT 1 FROM sync_sessions WHERE status = 'in_progress' LIMIT 1`);
    while ((await running()).length > 0) {
      if (Date.now() > until) throw new Error('a sync started by an earlier case still runs after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function send(method: string, path: string, body: Body | null, token: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: BodyInit | undefined;
    if (body && method !== 'GET') {
      headers['content-type'] = 'application/json';
      payload = body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : Buffer.from(body.bytes);
    }
    const request = t.app.request(path, { method, headers, body: payload });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${method} ${path} hung for ${HANG_MS} ms`)), HANG_MS),
    );
    return Promise.race([request, timeout]);
  }

  it(
    'never answers 5xx or hangs, explains every refusal and changes nothing it refused',
    { timeout: 600_000 },
    async () => {
      for (const endpoint of table) {
        const started = Date.now();
        await fc.assert(
          fc.asyncProperty(
            bodies(endpoint.template),
            pathIds,
            fc.dictionary(
              fc.constantFrom('limit', 'offset', 'checkpoint', 'collection', 'repository_id', 'x'),
              nasty.map(asText),
              {
                maxKeys: 3,
              },
            ),
            fc.boolean(),
            async (body, id, query, asOutsider) => {
              cases++;
              const params = new URLSearchParams(
                endpoint.method === 'GET' && endpoint.template
                  ? {
                      ...Object.fromEntries(
                        Object.entries(endpoint.template).map(([k, v]) => [k, String(v)]),
                      ),
                      ...query,
                    }
                  : query,
              );
              const path = `${endpoint.path.replace(':id', encodeURIComponent(id))}?${params}`;
              await backgroundSyncsEnded();
              const before = await databaseFingerprint(t.database.db);
              const response = await send(
                endpoint.method,
                path,
                body,
                asOutsider ? outsider : 'test-admin-token',
              );
              const text = await response.text();
              const gateway = endpoint.contactsPeer && [502, 503, 504].includes(response.status);
              if (gateway) answers.gateway++;
              else if (response.status >= 400) answers.refused++;
              else answers.accepted++;
              if (!gateway) {
                expect(
                  response.status,
                  `${endpoint.method} ${path} → ${response.status} ${text.slice(0, 300)}`,
                ).toBeLessThan(500);
              }
              if (response.status >= 400) {
                const envelope = JSON.parse(text) as { code?: string; error?: string };
                expect(envelope.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
                expect(envelope.error?.length).toBeGreaterThan(5);
                expect(
                  await databaseFingerprint(t.database.db),
                  `${endpoint.method} ${path} was refused but wrote`,
                ).toBe(before);
              }
            },
          ),
          { numRuns: RUNS },
        );
        if (process.env.FUZZ_VERBOSE)
          console.log(`${endpoint.method} ${endpoint.path}: ${Date.now() - started} ms`);
      }
    },
  );
});
