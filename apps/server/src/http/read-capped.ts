// Reads a body stream up to a byte limit, never further: past it the stream is cancelled, so
// an endless or oversized body (a request, or a peer's answer) costs at most `maxBytes`.
import type { IncomingMessage } from 'node:http';

/** The whole body, or null when it grew past `maxBytes` (the rest is not read). */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  // One copy into a plain Uint8Array (a request body can be tens of megabytes).
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/**
 * A request body of a declared length, as the parts Node's request delivered it, not joined:
 * a push's body is megabytes of COPY text that goes on to the database as it came, and
 * joining it into one new buffer cost its bytes' page faults once more (~3 ms per MB here;
 * bench instance-sync). (node-server's `arrayBuffer()` joins the chunks and then copies them
 * again into an ArrayBuffer.) Node's parser holds a body to its Content-Length, so only a body
 * cut short can differ: that rejects.
 */
export function readDeclared(incoming: IncomingMessage, length: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let offset = 0;
    const cutShort = () => new Error(`The request body ended after ${offset} of its ${length} bytes.`);
    incoming.on('data', (chunk: Buffer) => {
      if (offset + chunk.byteLength > length) {
        incoming.destroy();
        reject(new Error('The request body is longer than its Content-Length.'));
        return;
      }
      parts.push(chunk);
      offset += chunk.byteLength;
    });
    incoming.on('end', () => (offset === length ? resolve(parts) : reject(cutShort())));
    incoming.on('error', reject);
    incoming.on('close', () => {
      if (!incoming.complete) reject(cutShort());
    });
  });
}
