import { Hono } from 'hono';
import { listQuerySchema, ok, repositoryCreateSchema, repositoryUpdateSchema } from '@wikisync/shared';
import type { AppDeps, AppEnv } from '../context.js';
import { readIdParam, readJson, readQuery } from '../http/validate.js';
import {
  createRepository,
  deleteRepository,
  getRepository,
  listRepositories,
  updateRepository,
} from './repository-store.js';
import { taskUsageTotals } from '../tasks/task-usage-store.js';

const pageQuerySchema = listQuerySchema.pick({ limit: true, offset: true });

export function repositoryRoutes({ db }: AppDeps) {
  return (
    new Hono<AppEnv>()
      .get('/', async (c) =>
        c.json(ok(await listRepositories(db, c.get('principal'), readQuery(c, pageQuerySchema)))),
      )
      .post('/', async (c) => {
        const input = await readJson(c, repositoryCreateSchema);
        return c.json(ok(await createRepository(db, c.get('principal'), input)), 201);
      })
      .get('/:id', async (c) => c.json(ok(await getRepository(db, c.get('principal'), readIdParam(c)))))
      // Token use per task (task usages arrive by instance sync; browsers do not replicate them).
      .get('/:id/task-usage', async (c) => {
        const id = readIdParam(c);
        await getRepository(db, c.get('principal'), id); // 404 for a repository the caller cannot read
        return c.json(ok({ items: await taskUsageTotals(db, c.get('principal'), id) }));
      })
      .patch('/:id', async (c) => {
        const id = readIdParam(c);
        const patch = await readJson(c, repositoryUpdateSchema);
        return c.json(ok(await updateRepository(db, c.get('principal'), id, patch)));
      })
      .delete('/:id', async (c) => {
        const id = readIdParam(c);
        await deleteRepository(db, c.get('principal'), id);
        return c.json(ok({ id, deleted: true }));
      })
  );
}
