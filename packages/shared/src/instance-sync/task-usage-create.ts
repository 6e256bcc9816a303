import { z } from 'zod';
import { shortTextSchema } from '../common.js';
import { optionalRemoteIdSchema, optionalTimeSchema } from './wire-fields.js';

// Task usages: the LLM token use of a task (PROTOCOL.md §2 and its openDeepWiki section, 4).
// openDeepWiki sends them after `task-update-docid`, and a failure there fails the task on
// its side, so the receiver is as lenient as its Go decoder: missing counts are 0.

const tokenCountSchema = z
  .int('must be a whole number of tokens')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large')
  .nullish()
  .transform((value) => value ?? 0);

const usageFields = {
  api_key_name: shortTextSchema.nullish().transform((value) => value ?? ''),
  prompt_tokens: tokenCountSchema,
  completion_tokens: tokenCountSchema,
  total_tokens: tokenCountSchema,
  cached_tokens: tokenCountSchema,
  reasoning_tokens: tokenCountSchema,
  /** Go writes RFC 3339 with nanoseconds; a missing or zero time means "now". */
  created_at: optionalTimeSchema,
};

/** One usage row as it travels: `id` and `task_id` are the sender's and only informative. */
export const taskUsageRowSchema = z.object({
  id: optionalRemoteIdSchema,
  task_id: optionalRemoteIdSchema,
  ...usageFields,
});
export type TaskUsageRow = z.infer<typeof taskUsageRowSchema>;

/**
 * `POST /task-usage-create`: `task_id` is the receiver's. With `task_usages` it replaces all
 * of the task's usages with those rows (each row's `task_id`, when set, must be the same
 * task); without, the body itself is the one usage that replaces them, as openDeepWiki does.
 */
export const taskUsageCreateRequestSchema = z
  .object({
    task_id: optionalRemoteIdSchema,
    ...usageFields,
    task_usages: z.array(taskUsageRowSchema).max(10_000, 'send at most 10,000 usages per task').nullish(),
  })
  .transform((body, context) => {
    const items = body.task_usages ?? [];
    const taskId = body.task_id ?? items.find((item) => item.task_id !== null)?.task_id ?? null;
    if (taskId === null) {
      context.addIssue({
        code: 'custom',
        path: ['task_id'],
        message: 'is required: the task the usages belong to',
      });
      return z.NEVER;
    }
    const other = items.find((item) => item.task_id !== null && item.task_id !== taskId);
    if (other) {
      context.addIssue({
        code: 'custom',
        path: ['task_usages'],
        message: `every usage must belong to task ${taskId}, not ${other.task_id}`,
      });
      return z.NEVER;
    }
    const { task_usages: _items, task_id: _taskId, ...single } = body;
    return { task_id: taskId, usages: items.length > 0 ? items : [{ id: null, task_id: taskId, ...single }] };
  });
export type TaskUsageCreateRequest = z.infer<typeof taskUsageCreateRequestSchema>;

export const taskUsageCreateResponseSchema = z.object({ task_id: z.number().int() });
export type TaskUsageCreateResponse = z.infer<typeof taskUsageCreateResponseSchema>;
