// A bare client of GET /api/v1/sync/stream (fetch + a line parser, no RxDB): the fan-out
// benchmark opens many, and the propagation benchmark uses one as the floor ("the server
// announced the change") next to the RxDB replica that must also pull it.
export interface RawStream {
  /** Resolves at the next `change` event, with the time it arrived. */
  nextChange(): Promise<number>;
  /** Forgets events that arrived and nobody waited for. */
  drain(): void;
  close(): void;
}

export async function openRawStream(url: string, token: string): Promise<RawStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/sync/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  const waiting: ((at: number) => void)[] = [];
  const arrived: number[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: ready$/m.test(message)) ready();
          if (/^event: change$/m.test(message)) {
            const at = performance.now();
            const next = waiting.shift();
            if (next) next(at);
            else arrived.push(at);
          }
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  await isReady;
  return {
    nextChange: () =>
      arrived.length > 0
        ? Promise.resolve(arrived.shift()!)
        : new Promise((resolve) => waiting.push(resolve)),
    drain: () => void arrived.splice(0),
    close: () => controller.abort(),
  };
}
