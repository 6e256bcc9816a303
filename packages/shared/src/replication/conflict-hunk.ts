import { z } from 'zod';

/** The long text fields merged line by line when both sides changed them. */
export const LINE_MERGED_FIELDS = {
  repositories: ['description'],
  tasks: ['outline'],
  documents: ['content'],
} as const;

/** How the person settled a colliding hunk: their lines, the server's, both (theirs after
 * mine) or lines they typed. */
export const HUNK_DECISIONS = ['local', 'server', 'both', 'edited'] as const;
export type HunkDecision = (typeof HUNK_DECISIONS)[number];

const lines = z.array(z.string()).max(100_000);

/**
 * One place where both sides changed the same or adjacent lines of a long text field, as
 * the three-way line merge found it. Lines are split on "\n"; `base_line` is where the
 * hunk starts in the base text (0-based). A resolved hunk also says how it was decided.
 */
export const conflictHunkSchema = z.strictObject({
  field: z.string().min(1).max(64),
  base_line: z.int().min(0),
  base: lines,
  local: lines,
  server: lines,
  decision: z.enum(HUNK_DECISIONS).optional(),
  /** The lines the decision produced. */
  result: lines.optional(),
});
export type ConflictHunk = z.infer<typeof conflictHunkSchema>;

export const conflictHunksSchema = z.array(conflictHunkSchema).max(1000);
