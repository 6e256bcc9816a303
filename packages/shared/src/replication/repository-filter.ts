// The `repositories` filter of the changes feed and the change stream: a browser keeps only
// some repositories offline, so it pulls and listens to those alone. On the wire it is one
// query parameter, comma-separated repository ids; absent means every readable repository.
import { z } from 'zod';

/** Most repositories one filter may name: a bound on the per-repository index walks. */
export const REPOSITORY_FILTER_MAX = 200;

const FILTER_MESSAGE = `must be comma-separated repository ids (whole numbers above 0), at most ${REPOSITORY_FILTER_MAX}, e.g. "3,7"`;

/** Parses "3,7,12" into distinct ids, sorted; rejects empties, non-numbers and too many ids. */
export const repositoryFilterSchema = z.string({ message: FILTER_MESSAGE }).transform((text, context) => {
  const parts = text.split(',').map((part) => part.trim());
  const ids = parts.map((part) => (/^[1-9][0-9]{0,15}$/.test(part) ? Number(part) : NaN));
  if (ids.some((id) => !Number.isSafeInteger(id)) || ids.length > REPOSITORY_FILTER_MAX) {
    context.addIssue({ code: 'custom', message: FILTER_MESSAGE });
    return z.NEVER;
  }
  return [...new Set(ids)].sort((a, b) => a - b);
});

/** The wire form of a filter: ids joined by commas, in a stable order. */
export function formatRepositoryFilter(ids: Iterable<number>): string {
  return [...new Set(ids)].sort((a, b) => a - b).join(',');
}

/** `GET /api/v1/sync/stream?repositories=3,7`: announce changes of these repositories only. */
export const streamQuerySchema = z.strictObject({
  repositories: repositoryFilterSchema.optional(),
});
export type StreamQuery = z.infer<typeof streamQuerySchema>;
