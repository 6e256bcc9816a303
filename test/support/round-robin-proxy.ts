// A small HTTP load balancer for tests: every request goes to the next server of a list, the
// way a round-robin proxy in front of several stateless server processes spreads them. Bodies
// and answers are piped through unbuffered, so a change stream (SSE) flows event by event.
// Streams take turns on a rotation of their own, as a least-connections balancer would spread
// long-lived connections, so that N streams land evenly on the servers whatever else is asked.
// Every answer names the server that gave it in `x-upstream` (its index in the list).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** Requests each server has received through the proxy, by index. */
  requests: number[];
  /** Change streams each server has been given, by index. */
  streams: number[];
  close(): Promise<void>;
}

export const UPSTREAM_HEADER = 'x-upstream';

export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  const targets = upstreams.map((url) => new URL(url));
  const requests = targets.map(() => 0);
  const streams = targets.map(() => 0);
  let nextRequest = 0;
  let nextStream = 0;
  const sockets = new Set<Socket>();

  function forward(incoming: IncomingMessage, outgoing: ServerResponse) {
    const isStream = (incoming.url ?? '').split('?')[0]!.endsWith('/stream');
    const index = isStream ? nextStream++ % targets.length : nextRequest++ % targets.length;
    requests[index]!++;
    if (isStream) streams[index]!++;
    const target = targets[index]!;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, [UPSTREAM_HEADER]: String(index) });
        // SSE: send the headers now, not with the first event.
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: `upstream ${index}: ${error.message}` }));
      } else outgoing.destroy();
    });
    // A client that goes away (a closed stream) ends the upstream request too.
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  }

  const server: Server = createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    streams,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
