// Reading a command line: ids, lists, URLs and sub-commands. Every mistake is a UsageError,
// which index.ts prints with the usage text, so the operator sees what to type instead.
import { numericIdSchema, syncBaseUrlSchema } from '@wikisync/shared';

/** A command line that does not say what to do: the message is followed by the usage. */
export class UsageError extends Error {}

export function positiveId(value: string | undefined, what: string): number {
  const parsed = numericIdSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`${what} must be a positive integer (got ${JSON.stringify(value)})`);
  return parsed.data;
}

/** `1,2,3` as ids; absent means "all" (null). */
export function idList(value: string | undefined, what: string): number[] | null {
  if (value === undefined) return null;
  return value.split(',').map((part) => positiveId(part.trim(), what));
}

export function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

export function targetUrl(value: string | undefined): string {
  const parsed = syncBaseUrlSchema.safeParse(value ?? '');
  if (!parsed.success)
    throw new UsageError(
      `--target ${parsed.error.issues[0]?.message ?? 'is invalid'} (got ${JSON.stringify(value)})`,
    );
  return parsed.data;
}

/** Runs the sub-command `name` names, or says which ones exist. */
export async function runAction(
  name: string | undefined,
  actions: Record<string, () => Promise<void>>,
  expected: string,
): Promise<void> {
  const action = name !== undefined && Object.hasOwn(actions, name) ? actions[name] : undefined;
  if (!action) throw new UsageError(`expected ${expected}`);
  await action();
}

/** One line per row, fields separated by tabs (easy to read, and to cut/awk). */
export function printRows<T>(rows: readonly T[], fields: (row: T) => unknown[]): void {
  for (const row of rows) console.log(fields(row).join('\t'));
}
