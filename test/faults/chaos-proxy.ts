// A loopback TCP proxy that misbehaves on purpose: every chunk is held back a random delay
// (order is kept per direction), and `cut()` destroys every open connection at once, as a
// dropped network does. `startCutting` cuts at random intervals a bounded number of times.
import { connect, createServer, type Socket } from 'node:net';

export interface ChaosProxy {
  url: string;
  port: number;
  /** How many times connections were cut, and how many connections were cut in all. */
  readonly cuts: number;
  readonly connectionsCut: number;
  readonly connections: number;
  cut(): void;
  /** Cuts every `minMs..maxMs`, at most `limit` times, until `stopCutting()` or the limit. */
  startCutting(options: { minMs: number; maxMs: number; limit: number }): void;
  stopCutting(): void;
  /** Stops delaying chunks (the network is healthy again). */
  calm(): void;
  close(): Promise<void>;
}

export async function startChaosProxy(
  targetPort: number,
  options: { maxDelayMs: number },
): Promise<ChaosProxy> {
  const sockets = new Set<Socket>();
  let maxDelayMs = options.maxDelayMs;
  let cuts = 0;
  let connectionsCut = 0;
  let connections = 0;
  let cutter: ReturnType<typeof setTimeout> | null = null;

  /** Forwards `from` to `to`, each chunk after a random delay but never out of order. */
  function forward(from: Socket, to: Socket) {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const delay = Math.random() * maxDelayMs;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, delay),
          ),
      );
    });
    from.on('end', () => void chain.then(() => to.end()));
  }

  const server = createServer((client) => {
    connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        // One side gone means the connection is gone.
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;

  const proxy: ChaosProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    get cuts() {
      return cuts;
    },
    get connectionsCut() {
      return connectionsCut;
    },
    get connections() {
      return connections;
    },
    cut() {
      cuts++;
      connectionsCut += sockets.size / 2;
      for (const socket of sockets) socket.destroy();
    },
    startCutting({ minMs, maxMs, limit }) {
      let left = limit;
      const next = () => {
        if (left-- <= 0) return;
        cutter = setTimeout(
          () => {
            proxy.cut();
            next();
          },
          minMs + Math.random() * (maxMs - minMs),
        );
      };
      next();
    },
    stopCutting() {
      if (cutter) clearTimeout(cutter);
      cutter = null;
    },
    calm() {
      maxDelayMs = 0;
    },
    async close() {
      proxy.stopCutting();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
