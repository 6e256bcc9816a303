import { Hono } from 'hono';
import { listQuerySchema, ok, taskCreateSchema, taskUpdateSchema } from '@wikisync/shared';
import type { AppDeps, AppEnv } from '../context.js';
import { readIdParam, readJson, readQuery } from '../http/validate.js';
import { createTask, deleteTask, getTask, listTasks, updateTask } from './task-store.js';

const taskListQuerySchema = listQuerySchema.omit({ task_id: true });

export function taskRoutes({ db }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) =>
      c.json(ok(await listTasks(db, c.get('principal'), readQuery(c, taskListQuerySchema)))),
    )
    .post('/', async (c) => {
      const input = await readJson(c, taskCreateSchema);
      return c.json(ok(await createTask(db, c.get('principal'), input)), 201);
    })
    .get('/:id', async (c) => c.json(ok(await getTask(db, c.get('principal'), readIdParam(c)))))
    .patch('/:id', async (c) => {
      const id = readIdParam(c);
      const patch = await readJson(c, taskUpdateSchema);
      return c.json(ok(await updateTask(db, c.get('principal'), id, patch)));
    })
    .delete('/:id', async (c) => {
      const id = readIdParam(c);
      await deleteTask(db, c.get('principal'), id);
      return c.json(ok({ id, deleted: true }));
    });
}
