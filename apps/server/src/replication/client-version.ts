// Refuses writes from a sync client built for another protocol MAJOR, before its body is read,
// so rows shaped for another protocol are never stored (shared client-compatibility.ts). Only
// writes are checked: a client reads the server's version from `GET /status` itself, and a pull
// stores nothing here. A request without the header is a client older than this check; it is
// accepted, as it was before, so adding the check broke no client of the current MAJOR.
import type { MiddlewareHandler } from 'hono';
import { PROTOCOL_VERSION, protocolCompatible, protocolMajor, SYNC_CLIENT_HEADERS } from '@wikisync/shared';
import { BadRequestError, ClientUpdateRequiredError } from '../errors.js';

export function requireCompatibleClient(serverVersion: string = PROTOCOL_VERSION): MiddlewareHandler {
  return async (c, next) => {
    const clientVersion = c.req.header(SYNC_CLIENT_HEADERS.protocol);
    if (clientVersion !== undefined) {
      if (protocolMajor(clientVersion) === null)
        throw new BadRequestError(
          `The ${SYNC_CLIENT_HEADERS.protocol} header must be a protocol version such as ` +
            `"${serverVersion}"; got "${clientVersion.slice(0, 40)}". Send the version your client was built with.`,
        );
      if (!protocolCompatible(serverVersion, clientVersion))
        throw new ClientUpdateRequiredError(clientVersion, serverVersion);
    }
    await next();
  };
}
