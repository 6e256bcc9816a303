// Which fields differ between the local and the server version of a replicated row, for
// the conflict dialog's side-by-side table.

export interface FieldDifference {
  field: string;
  local: unknown;
  server: unknown;
  /** What the user last saw from the server, when it is known. */
  base: unknown;
  changedLocally: boolean;
  changedOnServer: boolean;
}

/** Fields the server owns, or that are bookkeeping, and are never shown as a difference. */
const HIDDEN_FIELDS = new Set(['_meta', '_rev', '_attachments', 'id']);

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stable((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

export function equalValues(left: unknown, right: unknown): boolean {
  return stable(left) === stable(right);
}

export function diffFields(
  local: Record<string, unknown>,
  server: Record<string, unknown>,
  base: Record<string, unknown> | null,
): FieldDifference[] {
  const fields = [...new Set([...Object.keys(local), ...Object.keys(server)])].filter(
    (field) => !HIDDEN_FIELDS.has(field),
  );
  return fields
    .filter((field) => !equalValues(local[field], server[field]))
    .sort()
    .map((field) => ({
      field,
      local: local[field],
      server: server[field],
      base: base ? base[field] : undefined,
      changedLocally: base ? !equalValues(local[field], base[field]) : true,
      changedOnServer: base ? !equalValues(server[field], base[field]) : true,
    }));
}
