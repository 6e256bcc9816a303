// The index that answers "which of a peer's ids maps to this row of ours" is keyed by our row
// first. Keyed (peer_key, entity, local_id), it began with the primary key's first two columns,
// and while a bulk copy filled the map faster than it was analysed, the planner used it to find
// one mapping by the peer's id: a walk through every mapping of that peer for each id looked
// up, seconds per chunk in a full push of 10,000 tasks. Its readers (isMappedLocal, a push's
// ids of rows pulled from its target) all name the row and the entity.
export const idMapLocalIndexSchema = `
DROP INDEX sync_id_map_local;
CREATE INDEX sync_id_map_local ON sync_id_map(local_id, entity);
`;
