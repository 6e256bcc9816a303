// A real app over a real test database, driven with `app.request()` (no sockets) or, via
// `listen()`, over HTTP on a free loopback port for clients such as RxDB.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseKind } from '../db/database.js';
import { createApp } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { createToken, createUser } from '../auth/user-store.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { instanceSyncOf } from '../instance-sync/index.js';
import { blockHandle } from './block-handle.js';
import { silentLogger, type Logger } from '../ops/logger.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token';

export interface TestApp {
  database: TestDatabase;
  config: Config;
  app: Awaited<ReturnType<typeof createApp>>;
  /** Sends a request; `body` objects are sent as JSON, strings as they are. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null },
  ): Promise<Response>;
  /** A user with a fresh token. */
  createUserWithToken(name: string): Promise<{ userId: number; token: string }>;
  close(): Promise<void>;
}

/**
 * `logger` receives the app's request and error lines; by default they are dropped, as a suite
 * builds many apps and makes thousands of requests.
 */
export async function startTestApp(
  kind: DatabaseKind,
  overrides: Partial<Config> = {},
  logger: Logger = silentLogger(),
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config: Config = {
    ...loadConfig({}),
    adminToken: TEST_ADMIN_TOKEN,
    webDistDir: undefined,
    ...overrides,
  };
  const app = await createApp({ db: database.db, config, logger });
  return {
    database,
    config,
    app,
    async request(method, path, { body, token = TEST_ADMIN_TOKEN } = {}) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      return app.request(path, { method, headers, body: payload });
    },
    async createUserWithToken(name) {
      const user = await createUser(database.db, name);
      const created = await createToken(database.db, user.id);
      return { userId: user.id, token: created.token };
    },
    async close() {
      await instanceSyncOf(app)?.stop();
      await database.dispose();
    },
  };
}

/**
 * Registers the hooks that start a test app (see `startTestApp`) before the tests of the
 * describe block that calls it and close it after them; the handle reads the running app.
 */
export function useTestApp(kind: DatabaseKind, overrides: Partial<Config> = {}, logger?: Logger): TestApp {
  let running: TestApp | undefined;
  beforeAll(async () => {
    running = await startTestApp(kind, overrides, logger);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  const keys = ['database', 'config', 'app', 'request', 'createUserWithToken', 'close'] as const;
  return blockHandle(() => running, keys, 'the test app');
}

/** Serves a Hono app on a free loopback port. */
export async function listen(fetch: (request: Request) => Response | Promise<Response>) {
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open streams (SSE) and keep-alive sockets would hold close() forever.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** A response body for assertions (the assertions are what checks its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary fields of envelopes
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}
