// Which clients a server accepts on `/api/v1/sync`. A browser replica is written for one
// protocol MAJOR (protocol-version.ts): rows of another MAJOR may lack fields, carry removed
// ones or mean something else, so neither side may take the other's writes. The client sends
// its protocol version and replica schema version on every sync request; the server refuses
// writes from another MAJOR with CLIENT_UPDATE_REQUIRED, and the client, which reads the
// server's version from `GET /status` before its first pull or push, stops and asks the person
// to reload. A request without the header (a client older than this check) is accepted, so
// the check is additive: such clients keep working as long as the MAJOR has not changed.
import { z } from 'zod';

/** Request headers a sync client sends (lower case: HTTP header names are case-insensitive). */
export const SYNC_CLIENT_HEADERS = {
  /** The PROTOCOL_VERSION the client was built with, e.g. `2.0`. */
  protocol: 'x-wikisync-protocol',
  /** The client's replica schema version (REPLICA_SCHEMA_VERSION in the web app), e.g. `3`. */
  schema: 'x-wikisync-client-schema',
} as const;

const versionSchema = z.string().regex(/^\d+\.\d+$/);

/** The MAJOR of a `MAJOR.MINOR` version; null for anything else. */
export function protocolMajor(version: string): number | null {
  if (!versionSchema.safeParse(version.trim()).success) return null;
  return Number(version.trim().split('.')[0]);
}

/** Whether a peer on `theirs` can exchange replicated rows with one on `ours`: the same MAJOR. */
export function protocolCompatible(ours: string, theirs: string): boolean {
  const major = protocolMajor(theirs);
  return major !== null && major === protocolMajor(ours);
}
