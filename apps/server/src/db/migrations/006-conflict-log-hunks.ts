// The conflict log keeps the colliding line hunks of long text fields and how the person
// decided each (resolve-conflict's optional `hunks`). Nullable: older entries, and
// resolutions without hunks, have none. Stands on 002 only.
export const conflictLogHunksSchema = `
ALTER TABLE sync_conflict_log ADD COLUMN hunks jsonb;
`;
