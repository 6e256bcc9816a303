// A load generator's HTTP client: node:http over kept-alive sockets, JSON in and out. The
// bench process shares the machine's cores with the server and PostgreSQL, and fetch (undici)
// spent about 3 ms of CPU per small request there, CPU the server then did not get. This
// client spends a fraction of that, so the figures say more about the server.
import { Agent, request } from 'node:http';

export interface LightResponse {
  status: number;
  body: string;
}

export function lightClient(baseUrl: string, headers: Record<string, string>, sockets = 256) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(baseUrl);
  return {
    send(method: 'GET' | 'POST', path: string, body?: string): Promise<LightResponse> {
      return new Promise((resolve, reject) => {
        const outgoing = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () =>
              resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
            incoming.on('error', reject);
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
