import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, protocolMajor, SYNC_CLIENT_HEADERS } from '@wikisync/shared';
import { repositoryDoc } from '@wikisync/shared/testing';
import { jsonOf, TEST_ADMIN_TOKEN, useTestApp } from '../testing/test-app.js';
import { testDatabaseKinds } from '../testing/test-database.js';

describe.each(testDatabaseKinds())('sync client version check on %s', (kind) => {
  const t = useTestApp(kind);
  const major = protocolMajor(PROTOCOL_VERSION)!;

  const push = (doc: object, clientVersion?: string) =>
    t.app.request('/api/v1/sync/push', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        ...(clientVersion === undefined ? {} : { [SYNC_CLIENT_HEADERS.protocol]: clientVersion }),
        [SYNC_CLIENT_HEADERS.schema]: '7',
      },
      body: JSON.stringify({
        collection: 'repositories',
        rows: [{ assumed_master_state: null, new_document_state: doc }],
      }),
    });
  const stored = async (uid: string) => {
    const changes = await jsonOf(
      await t.request('GET', '/api/v1/sync/changes?collection=repositories&limit=1000'),
    );
    return changes.data.documents.some((doc: { uid: string }) => doc.uid === uid);
  };

  it('refuses a push from another protocol MAJOR with a 426 that says to reload, storing nothing', async () => {
    for (const version of [`${major - 1}.9`, `${major + 1}.0`]) {
      const repo = repositoryDoc({ name: `from ${version}` });
      const response = await push(repo, version);
      expect(response.status).toBe(426);
      const body = await jsonOf(response);
      expect(body.code).toBe('CLIENT_UPDATE_REQUIRED');
      expect(body.error).toContain('Reload the page to update');
      expect(body.params).toEqual({ client: version, server: PROTOCOL_VERSION });
      expect(await stored(repo.uid)).toBe(false);
    }
  });

  it('takes pushes from the same MAJOR (any MINOR) and from clients that send no version', async () => {
    for (const version of [PROTOCOL_VERSION, `${major}.99`, undefined]) {
      const repo = repositoryDoc({ name: `from ${version ?? 'an older client'}` });
      const response = await push(repo, version);
      expect(response.status).toBe(200);
      expect(await stored(repo.uid)).toBe(true);
    }
  });

  it('answers a malformed version with a 400 naming the header and the expected form', async () => {
    const response = await push(repositoryDoc(), 'latest');
    expect(response.status).toBe(400);
    const body = await jsonOf(response);
    expect(body.error).toContain(SYNC_CLIENT_HEADERS.protocol);
    expect(body.error).toContain(`"${PROTOCOL_VERSION}"`);
  });

  it('checks resolve-conflict too, before reading its body', async () => {
    const response = await t.app.request('/api/v1/sync/resolve-conflict', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/json',
        [SYNC_CLIENT_HEADERS.protocol]: `${major + 1}.0`,
      },
      body: '{}',
    });
    expect(response.status).toBe(426);
  });

  it('tells every client its version in the status it reads before syncing', async () => {
    const status = await jsonOf(await t.request('GET', '/api/v1/sync/status'));
    expect(status.data.protocol_version).toBe(PROTOCOL_VERSION);
  });
});
