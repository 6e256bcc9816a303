// Bounds on the free-form `metadata` object of repositories, tasks and documents.
//
// Why: metadata is the only field whose shape the caller chooses. One row nested a few
// thousand levels deep made every reader's replica fail on each pull (recursive clones and
// JSON.stringify overflow the stack) and, past ~5,000 levels, made the server answer 500
// while serialising it. Every write path validates through `metadataSchema`, so such a row
// is refused with a message instead of stored.
//
// Invariant: the check never recurses. Depth is measured with an explicit stack and the
// value is serialised (to measure its size) only once its depth is known to be small, so
// the check cannot overflow on the very input it guards against.
import { z } from 'zod';

/** Levels of nesting, the metadata object itself being level 1. */
export const METADATA_MAX_DEPTH = 32;
/** Size of the metadata as UTF-8 JSON. */
export const METADATA_MAX_BYTES = 64 * 1024;

/** UTF-8 length of JSON text (JSON.stringify leaves no lone surrogates, so pairs are whole). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/** Why `value` breaks a metadata limit (a sentence a caller can act on), or null. */
export function metadataLimitProblem(value: unknown): string | null {
  const pending: { node: object; depth: number }[] = [];
  if (value !== null && typeof value === 'object') pending.push({ node: value, depth: 1 });
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (depth > METADATA_MAX_DEPTH) {
      return `is nested more than ${METADATA_MAX_DEPTH} levels deep; flatten it to at most ${METADATA_MAX_DEPTH} levels`;
    }
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object')
        pending.push({ node: child as object, depth: depth + 1 });
    }
  }
  const json = JSON.stringify(value) ?? '';
  // A UTF-16 unit is at least one UTF-8 byte, so a long string needs no encoding to be refused.
  if (json.length > METADATA_MAX_BYTES || utf8Length(json) > METADATA_MAX_BYTES) {
    return `is larger than ${METADATA_MAX_BYTES} bytes as JSON; keep large data in document content instead`;
  }
  return null;
}

/** A JSON object, within METADATA_MAX_DEPTH and METADATA_MAX_BYTES. */
export const metadataSchema = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  const problem = metadataLimitProblem(value);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});

export interface StrippedMetadata {
  /** The metadata to store: the original when within the limits, `{}` otherwise. */
  metadata: Record<string, unknown>;
  /** Why the original was replaced, or null when it was kept. */
  problem: string | null;
}

/**
 * For receivers that must not refuse a whole row over its metadata (instance sync from a peer
 * that has no such limits): keeps the row, drops metadata that breaks a limit, and says why
 * so the caller can report it.
 */
export function stripOverLimitMetadata(value: unknown): StrippedMetadata {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { metadata: {}, problem: value === null || value === undefined ? null : 'is not a JSON object' };
  }
  const problem = metadataLimitProblem(value);
  return problem === null
    ? { metadata: value as Record<string, unknown>, problem: null }
    : { metadata: {}, problem };
}
