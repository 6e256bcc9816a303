// Compare-and-set on the REST API: If-Match on PATCH, ETag on GET and PATCH, on both databases.
import { beforeAll, describe, expect, it } from 'vitest';
import { grantAccess } from '../auth/user-store.js';
import { jsonOf, TEST_ADMIN_TOKEN, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('If-Match on REST updates on %s', (kind) => {
  const t = useTestApp(kind);
  let repositoryId: number;
  let reader: { userId: number; token: string };
  let writer: { userId: number; token: string };

  beforeAll(async () => {
    repositoryId = (await jsonOf(await t.request('POST', '/api/repositories', { body: { name: 'cas' } })))
      .data.id;
    reader = await t.createUserWithToken('cas-reader');
    writer = await t.createUserWithToken('cas-writer');
    await grantAccess(t.database.db, reader.userId, repositoryId, 'read');
    await grantAccess(t.database.db, writer.userId, repositoryId, 'write');
  });

  function send(
    method: string,
    path: string,
    options: { body?: unknown; ifMatch?: string; token?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? TEST_ADMIN_TOKEN}`,
    };
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return Promise.resolve(
      t.app.request(path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
    );
  }

  async function newDocument(title: string) {
    const response = await send('POST', '/api/documents', {
      body: { repository_id: repositoryId, title, content: 'first' },
    });
    expect(response.status).toBe(201);
    const id = (await jsonOf(response)).data.id as number;
    const read = await send('GET', `/api/documents/${id}`);
    const etag = read.headers.get('etag');
    expect(etag).toMatch(/^"\d+"$/);
    return { id, etag: etag! };
  }

  it('writes when If-Match names the current version, and answers the new ETag', async () => {
    const { id, etag } = await newDocument('match');
    const response = await send('PATCH', `/api/documents/${id}`, {
      body: { content: 'second' },
      ifMatch: etag,
      token: writer.token,
    });
    expect(response.status).toBe(200);
    const next = response.headers.get('etag');
    expect(next).toMatch(/^"\d+"$/);
    expect(next).not.toBe(etag);
    expect((await jsonOf(response)).data.content).toBe('second');
    const read = await send('GET', `/api/documents/${id}`);
    expect(read.headers.get('etag')).toBe(next);
    expect((await jsonOf(read)).data.content).toBe('second');
  });

  it('refuses a stale If-Match with 412 and the current row, and writes nothing', async () => {
    const { id, etag } = await newDocument('stale');
    const other = await send('PATCH', `/api/documents/${id}`, { body: { content: 'theirs' }, ifMatch: etag });
    expect(other.status).toBe(200);
    const response = await send('PATCH', `/api/documents/${id}`, {
      body: { content: 'mine' },
      ifMatch: etag,
      token: writer.token,
    });
    expect(response.status).toBe(412);
    expect(response.headers.get('etag')).toBe(other.headers.get('etag'));
    const body = await jsonOf(response);
    expect(body.code).toBe('PRECONDITION_FAILED');
    expect(body.reason).toBe('version_mismatch');
    expect(body.error).toMatch(/was changed since you read it.*send it again with If-Match/);
    expect(body.data).toMatchObject({ id, content: 'theirs' });
    expect((await jsonOf(await send('GET', `/api/documents/${id}`))).data.content).toBe('theirs');
  });

  it('lets exactly one of two writes with the same If-Match through', async () => {
    const { id, etag } = await newDocument('race');
    const answers = await Promise.all(
      ['one', 'two'].map((content) =>
        send('PATCH', `/api/documents/${id}`, { body: { content }, ifMatch: etag }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
    const winner = answers.find((answer) => answer.status === 200)!;
    const written = (await jsonOf(winner)).data.content;
    expect((await jsonOf(await send('GET', `/api/documents/${id}`))).data.content).toBe(written);
  });

  it('takes the weak form of the tag (as a compressed answer delivers it) as the same version', async () => {
    const { id, etag } = await newDocument('weak');
    const response = await send('PATCH', `/api/documents/${id}`, {
      body: { content: 'w' },
      ifMatch: `W/${etag}`,
    });
    expect(response.status).toBe(200);
    const stale = await send('PATCH', `/api/documents/${id}`, {
      body: { content: 'x' },
      ifMatch: `W/${etag}`,
    });
    expect(stale.status).toBe(412);
  });

  it('refuses a malformed If-Match with 400 saying what to send', async () => {
    const { id } = await newDocument('malformed');
    for (const ifMatch of ['123', 'w/"1"', '"1", "2"', '"abc"', '""', '"0"']) {
      const response = await send('PATCH', `/api/documents/${id}`, { body: { content: 'x' }, ifMatch });
      expect(response.status, ifMatch).toBe(400);
      expect((await jsonOf(response)).error).toMatch(/is not one ETag of this API; send the ETag/);
    }
    expect((await jsonOf(await send('GET', `/api/documents/${id}`))).data.content).toBe('first');
  });

  it('answers a reader 403, whatever the If-Match', async () => {
    const { id, etag } = await newDocument('reader');
    const response = await send('PATCH', `/api/documents/${id}`, {
      body: { content: 'x' },
      ifMatch: etag,
      token: reader.token,
    });
    expect(response.status).toBe(403);
    expect((await jsonOf(response)).code).toBe('FORBIDDEN');
  });

  it('writes as before without If-Match, or with If-Match: *', async () => {
    const { id } = await newDocument('absent');
    const plain = await send('PATCH', `/api/documents/${id}`, { body: { content: 'no header' } });
    expect(plain.status).toBe(200);
    expect((await jsonOf(plain)).data.content).toBe('no header');
    const any = await send('PATCH', `/api/documents/${id}`, { body: { title: 'any' }, ifMatch: '*' });
    expect(any.status).toBe(200);
    expect((await jsonOf(any)).data).toMatchObject({ title: 'any', content: 'no header' });
  });

  it('compares and sets tasks and repositories the same way', async () => {
    const task = (
      await jsonOf(await send('POST', '/api/tasks', { body: { repository_id: repositoryId, title: 'a' } }))
    ).data;
    const taskTag = (await send('GET', `/api/tasks/${task.id}`)).headers.get('etag')!;
    const first = await send('PATCH', `/api/tasks/${task.id}`, {
      body: { status: 'running' },
      ifMatch: taskTag,
    });
    expect(first.status).toBe(200);
    const stale = await send('PATCH', `/api/tasks/${task.id}`, { body: { title: 'b' }, ifMatch: taskTag });
    expect(stale.status).toBe(412);
    expect((await jsonOf(stale)).data).toMatchObject({ id: task.id, title: 'a', status: 'running' });

    const repositoryTag = (await send('GET', `/api/repositories/${repositoryId}`)).headers.get('etag')!;
    const renamed = await send('PATCH', `/api/repositories/${repositoryId}`, {
      body: { description: 'first' },
      ifMatch: repositoryTag,
    });
    expect(renamed.status).toBe(200);
    const late = await send('PATCH', `/api/repositories/${repositoryId}`, {
      body: { description: 'second' },
      ifMatch: repositoryTag,
    });
    expect(late.status).toBe(412);
    expect((await jsonOf(late)).data).toMatchObject({ id: repositoryId, description: 'first' });
  });
});
