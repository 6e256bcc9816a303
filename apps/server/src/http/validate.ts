// Request parsing for routes: JSON bodies, query strings and path ids, each checked
// against a zod schema from the shared contract, with messages that name the bad field.
import type { Context } from 'hono';
import type { z } from 'zod';
import { numericIdSchema } from '@wikisync/shared';
import { InvalidJsonError, ValidationError } from '../errors.js';

/** "field: what is wrong; …" for the first ten issues; `root` names a value with no path. */
export function listIssues(error: z.ZodError, root = 'body'): string {
  const lines = error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : root;
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 10 ? ` (and ${error.issues.length - 10} more)` : '';
  return `${lines.join('; ')}${more}`;
}

export function describeIssues(error: z.ZodError): string {
  return `Invalid request: ${listIssues(error)}.`;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(result.error));
  return result.data;
}

/** A request body's text as JSON checked against `schema`; empty or malformed is a 400. */
export function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.output<S> {
  if (text.trim() === '') throw new InvalidJsonError('the body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError((error as Error).message);
  }
  return parseWith(schema, value);
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return parseJsonText(await c.req.text(), schema);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query());
}

/** A numeric id from the path, e.g. `/api/tasks/:id`. */
export function readIdParam(c: Context, name = 'id'): number {
  const raw = c.req.param(name);
  const result = numericIdSchema.safeParse(raw);
  if (!result.success) {
    throw new ValidationError(
      `Invalid request: "${name}" in the path must be a positive integer id of at most ` +
        `${Number.MAX_SAFE_INTEGER} (got "${(raw ?? '').slice(0, 40)}").`,
    );
  }
  return result.data;
}
