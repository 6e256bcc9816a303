import { listQuerySchema, taskCreateSchema, taskUpdateSchema } from '@wikisync/shared';
import type { AppDeps } from '../context.js';
import { entityRoutes } from '../http/entity-routes.js';
import { createTask, deleteTask, getVersionedTask, listTasks, updateTask } from './task-store.js';

const taskListQuerySchema = listQuerySchema.omit({ task_id: true });

export function taskRoutes({ db }: AppDeps) {
  return entityRoutes(
    db,
    { query: taskListQuerySchema, create: taskCreateSchema, update: taskUpdateSchema },
    { list: listTasks, create: createTask, get: getVersionedTask, update: updateTask, remove: deleteTask },
  );
}
