// Request parsing for routes: JSON bodies, query strings and path ids, each checked
// against a zod schema from the shared contract, with messages that name the bad field.
import type { Context } from 'hono';
import type { z } from 'zod';
import {
  ISSUE_KINDS,
  LIMIT_UNITS,
  numericIdSchema,
  type LimitUnit,
  type ValidationIssue,
} from '@wikisync/shared';
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

const UNIT_BY_ORIGIN: Record<string, LimitUnit> = {
  string: LIMIT_UNITS.characters,
  array: LIMIT_UNITS.items,
  set: LIMIT_UNITS.items,
  number: LIMIT_UNITS.value,
  bigint: LIMIT_UNITS.value,
  int: LIMIT_UNITS.value,
};

/** The same first ten issues as data, for clients that say them in another language. */
export function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.slice(0, 10).map((issue): ValidationIssue => {
    const path = issue.path.join('.');
    switch (issue.code) {
      case 'too_big':
      case 'too_small': {
        const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
        const unit = UNIT_BY_ORIGIN[issue.origin];
        return {
          path,
          kind: issue.code,
          ...(Number.isFinite(limit) ? { limit } : {}),
          ...(unit ? { unit } : {}),
        };
      }
      case 'invalid_type':
      case 'invalid_format':
        return { path, kind: issue.code };
      case 'invalid_value':
        return { path, kind: issue.code, values: issue.values.slice(0, 20).map(String) };
      case 'unrecognized_keys':
        return { path, kind: issue.code, values: issue.keys.slice(0, 20) };
      default:
        return { path, kind: ISSUE_KINDS.other };
    }
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError(describeIssues(result.error), { issues: issuesOf(result.error) });
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
