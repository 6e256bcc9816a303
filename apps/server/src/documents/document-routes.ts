import { Hono } from 'hono';
import { documentCreateSchema, documentUpdateSchema, listQuerySchema, ok } from '@wikisync/shared';
import type { AppDeps, AppEnv } from '../context.js';
import { readIdParam, readJson, readQuery } from '../http/validate.js';
import {
  createDocument,
  deleteDocument,
  getDocument,
  listDocuments,
  updateDocument,
} from './document-store.js';

export function documentRoutes({ db }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) =>
      c.json(ok(await listDocuments(db, c.get('principal'), readQuery(c, listQuerySchema)))),
    )
    .post('/', async (c) => {
      const input = await readJson(c, documentCreateSchema);
      return c.json(ok(await createDocument(db, c.get('principal'), input)), 201);
    })
    .get('/:id', async (c) => c.json(ok(await getDocument(db, c.get('principal'), readIdParam(c)))))
    .patch('/:id', async (c) => {
      const id = readIdParam(c);
      const patch = await readJson(c, documentUpdateSchema);
      return c.json(ok(await updateDocument(db, c.get('principal'), id, patch)));
    })
    .delete('/:id', async (c) => {
      const id = readIdParam(c);
      await deleteDocument(db, c.get('principal'), id);
      return c.json(ok({ id, deleted: true }));
    });
}
