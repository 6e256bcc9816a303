// Input that is valid JSON but unbounded in shape: metadata nested thousands of levels deep or
// larger than a row should carry, bodies nested 100,000 levels, and ids past the range a
// JavaScript number holds exactly. Every write path must refuse them with a 4xx that names
// the limit, write nothing, and never answer 500. (A bad row that is already stored is the
// client's side: see bad-row-replica.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { METADATA_MAX_BYTES, METADATA_MAX_DEPTH } from '@wikisync/shared';
import { jsonOf, useTestApp } from '../../apps/server/src/testing/test-app.js';
import { testDatabaseKinds } from '../../apps/server/src/testing/test-database.js';
import { documentDoc, repositoryDoc, taskDoc } from '@wikisync/shared/testing';

/** `{"a":{"a":…{}}}` with `levels` objects, built as text: a deep object would overflow here. */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
const nested = (levels: number): Record<string, unknown> => JSON.parse(nestedJson(levels));
const UNSAFE_ID = '9007199254740993';

describe.each(testDatabaseKinds())('bounded input on %s', (kind) => {
  const t = useTestApp(kind);
  const ids = { repository: 0, task: 0, document: 0 };

  beforeAll(async () => {
    const created = async (path: string, body: unknown) =>
      (await jsonOf(await t.request('POST', path, { body }))).data.id as number;
    ids.repository = await created('/api/repositories', { name: 'bounded' });
    ids.task = await created('/api/tasks', { repository_id: ids.repository, title: 't' });
    ids.document = await created('/api/documents', { repository_id: ids.repository, title: 'd' });
  });

  async function expectRefused(response: Response, message: RegExp) {
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
    expect(response.status, JSON.stringify(body)).toBeLessThan(500);
    expect(body.code).toMatch(/^[A-Z_]+$/);
    expect(body.error).toMatch(message);
  }

  /** Every REST write that takes metadata, as [method, path, body without metadata]. */
  const restWrites = (): [string, string, Record<string, unknown>][] => [
    ['POST', '/api/repositories', { name: 'deep' }],
    ['PATCH', `/api/repositories/${ids.repository}`, {}],
    ['POST', '/api/tasks', { repository_id: ids.repository, title: 'deep' }],
    ['PATCH', `/api/tasks/${ids.task}`, {}],
    ['POST', '/api/documents', { repository_id: ids.repository, title: 'deep' }],
    ['PATCH', `/api/documents/${ids.document}`, {}],
  ];

  it('refuses metadata past the depth or size limit on every REST write, naming the limit', async () => {
    const tooBig = { blob: 'x'.repeat(METADATA_MAX_BYTES) };
    for (const [method, path, body] of restWrites()) {
      await expectRefused(
        await t.request(method, path, { body: { ...body, metadata: nested(METADATA_MAX_DEPTH + 1) } }),
        /metadata: is nested more than 32 levels deep/,
      );
      await expectRefused(
        await t.request(method, path, { body: { ...body, metadata: tooBig } }),
        /metadata: is larger than 65536 bytes/,
      );
    }
    const atLimit = await t.request('PATCH', `/api/tasks/${ids.task}`, {
      body: { metadata: nested(METADATA_MAX_DEPTH) },
    });
    expect(atLimit.status).toBe(200);
    expect(await t.database.db.query("SELECT 1 FROM repositories WHERE name = 'deep'")).toEqual([]);
    expect(await t.database.db.query("SELECT 1 FROM tasks WHERE title = 'deep'")).toEqual([]);
  });

  it('refuses a pushed row whose metadata is too deep and writes nothing of the push', async () => {
    const repository = repositoryDoc();
    await t.request('POST', '/api/v1/sync/push', {
      body: { collection: 'repositories', rows: [{ new_document_state: repository }] },
    });
    const good = taskDoc(repository.uid);
    const deep = taskDoc(repository.uid, { metadata: nested(3_000) });
    const response = await t.request('POST', '/api/v1/sync/push', {
      body: {
        collection: 'tasks',
        rows: [good, deep].map((doc) => ({ assumed_master_state: null, new_document_state: doc })),
      },
    });
    await expectRefused(response, /rows\.1\.new_document_state\.metadata: is nested more than 32 levels/);
    const stored = await t.database.db.query('SELECT uid FROM tasks WHERE uid IN ($1, $2)', [
      good.uid,
      deep.uid,
    ]);
    expect(stored).toEqual([]);
  });

  it('answers bodies nested 5,000 and 100,000 levels deep with a 4xx, never a 500', async () => {
    const repository = repositoryDoc();
    await t.request('POST', '/api/v1/sync/push', {
      body: { collection: 'repositories', rows: [{ new_document_state: repository }] },
    });
    for (const levels of [5_000, 100_000]) {
      const deep = nestedJson(levels);
      const withDeep = (doc: object) => JSON.stringify(doc).replace('"metadata":{}', `"metadata":${deep}`);
      const pushed = withDeep(taskDoc(repository.uid));
      const bodies: [string, string, string][] = [
        ...restWrites().map(([method, path, body]): [string, string, string] => [
          method,
          path,
          JSON.stringify({ ...body, metadata: {} }).replace('"metadata":{}', `"metadata":${deep}`),
        ]),
        ['POST', '/api/repositories', `${'['.repeat(levels)}${']'.repeat(levels)}`],
        ['POST', '/api/repositories', `{"name":"x","colour":${deep}}`],
        ['POST', '/api/v1/sync/push', `{"collection":"tasks","rows":[{"new_document_state":${pushed}}]}`],
        [
          'POST',
          '/api/v1/sync/push',
          `{"collection":"tasks","rows":[{"assumed_master_state":${pushed},"new_document_state":${pushed}}]}`,
        ],
        [
          'POST',
          '/api/v1/sync/resolve-conflict',
          `{"collection":"documents","uid":"x","resolution":"local","base":null,` +
            `"document":${withDeep(documentDoc(repository.uid, null, { uid: 'x' }))}}`,
        ],
      ];
      for (const [method, path, body] of bodies) {
        await expectRefused(await t.request(method, path, { body }), /nested|object|colour|Unrecognized/);
      }
    }
  });

  it('refuses ids above 2^53 in paths, queries and bodies instead of rounding them', async () => {
    const limit = new RegExp(String(Number.MAX_SAFE_INTEGER));
    await expectRefused(await t.request('GET', `/api/tasks/${UNSAFE_ID}`), limit);
    await expectRefused(await t.request('DELETE', `/api/documents/${UNSAFE_ID}`), limit);
    await expectRefused(await t.request('GET', `/api/tasks?repository_id=${UNSAFE_ID}`), /repository_id/);
    await expectRefused(
      await t.request('POST', '/api/tasks', { body: { repository_id: UNSAFE_ID, title: 'rounded' } }),
      /repository_id: must be a positive integer id of at most 9007199254740991/,
    );
    await expectRefused(
      await t.request('PATCH', `/api/tasks/${ids.task}`, { body: `{"doc_id":${UNSAFE_ID}}` }),
      /doc_id/,
    );
    await expectRefused(
      await t.request('GET', `/api/v1/sync/changes?collection=tasks&checkpoint=${UNSAFE_ID}`),
      /checkpoint/,
    );
    await expectRefused(await t.request('GET', `/api/v1/sync/conflicts?before=${UNSAFE_ID}`), /before/);
    const pushed = JSON.stringify({ ...repositoryDoc(), id: 1 }).replace('"id":1', `"id":${UNSAFE_ID}`);
    await expectRefused(
      await t.request('POST', '/api/v1/sync/push', {
        body: `{"collection":"repositories","rows":[{"new_document_state":${pushed}}]}`,
      }),
      /new_document_state\.id/,
    );
    expect(await t.database.db.query("SELECT 1 FROM tasks WHERE title = 'rounded'")).toEqual([]);
  });
});
