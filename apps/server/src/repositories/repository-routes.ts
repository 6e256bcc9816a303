import { listQuerySchema, ok, repositoryCreateSchema, repositoryUpdateSchema } from '@wikisync/shared';
import type { AppDeps } from '../context.js';
import { entityRoutes } from '../http/entity-routes.js';
import { readIdParam } from '../http/validate.js';
import {
  createRepository,
  deleteRepository,
  getRepository,
  getVersionedRepository,
  listRepositories,
  updateRepository,
} from './repository-store.js';
import { taskUsageTotals } from '../tasks/task-usage-store.js';

const pageQuerySchema = listQuerySchema.pick({ limit: true, offset: true });

export function repositoryRoutes({ db }: AppDeps) {
  return (
    entityRoutes(
      db,
      { query: pageQuerySchema, create: repositoryCreateSchema, update: repositoryUpdateSchema },
      {
        list: listRepositories,
        create: createRepository,
        get: getVersionedRepository,
        update: updateRepository,
        remove: deleteRepository,
      },
    )
      // Token use per task (task usages arrive by instance sync; browsers do not replicate them).
      .get('/:id/task-usage', async (c) => {
        const id = readIdParam(c);
        await getRepository(db, c.get('principal'), id); // 404 for a repository the caller cannot read
        return c.json(ok({ items: await taskUsageTotals(db, c.get('principal'), id) }));
      })
  );
}
