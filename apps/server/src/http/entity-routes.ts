// The five REST routes every entity has (list, create, read, update, delete), written once.
// Each entity passes its schemas and its store; the store checks the caller's grants. Reading
// one row and updating it answer the row's ETag, and an update honours If-Match (if-match.ts).
import { Hono } from 'hono';
import type { z } from 'zod';
import { ok } from '@wikisync/shared';
import type { Principal } from '../auth/principal.js';
import type { AppEnv } from '../context.js';
import type { Database } from '../db/database.js';
import type { Versioned } from '../db/compare-and-set.js';
import { entityTag, readIfMatch } from './if-match.js';
import { readIdParam, readJson, readQuery } from './validate.js';

export interface EntityStore<Row, Query, Create, Update> {
  list(db: Database, principal: Principal, query: Query): Promise<unknown>;
  create(db: Database, principal: Principal, input: Create): Promise<Row>;
  get(db: Database, principal: Principal, id: number): Promise<Versioned<Row>>;
  update(
    db: Database,
    principal: Principal,
    id: number,
    patch: Update,
    expectedVersion: number | undefined,
  ): Promise<Versioned<Row>>;
  remove(db: Database, principal: Principal, id: number): Promise<void>;
}

export function entityRoutes<Row, QS extends z.ZodType, CS extends z.ZodType, US extends z.ZodType>(
  db: Database,
  schemas: { query: QS; create: CS; update: US },
  store: EntityStore<Row, z.output<QS>, z.output<CS>, z.output<US>>,
) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json(ok(await store.list(db, c.get('principal'), readQuery(c, schemas.query)))))
    .post('/', async (c) => {
      const input = await readJson(c, schemas.create);
      return c.json(ok(await store.create(db, c.get('principal'), input)), 201);
    })
    .get('/:id', async (c) => {
      const { row, version } = await store.get(db, c.get('principal'), readIdParam(c));
      c.header('ETag', entityTag(version));
      return c.json(ok(row));
    })
    .patch('/:id', async (c) => {
      const id = readIdParam(c);
      const expectedVersion = readIfMatch(c);
      const patch = await readJson(c, schemas.update);
      const { row, version } = await store.update(db, c.get('principal'), id, patch, expectedVersion);
      c.header('ETag', entityTag(version));
      return c.json(ok(row));
    })
    .delete('/:id', async (c) => {
      const id = readIdParam(c);
      await store.remove(db, c.get('principal'), id);
      return c.json(ok({ id, deleted: true }));
    });
}
