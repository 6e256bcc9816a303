// Bump rule: MINOR when a message gains an optional field or a new endpoint appears
// (old peers keep working); MAJOR when a field is removed, renamed or changes meaning.
// Peers exchange it in `GET /api/sync/ping` and `GET /health`.
export const PROTOCOL_VERSION = '1.0';
