// Opens the change stream in tests and collects what arrives, as a browser would see it.
import { expect } from 'vitest';
import { readSseMessages } from './sse-events.js';

/** Opens the stream and collects what arrives: events, and heartbeat comments. */
export async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  const events: { event: string; data: string }[] = [];
  let comments = 0;
  const reading = readSseMessages(response, ({ event, data, comment }) => {
    if (comment) comments++;
    if (event) events.push({ event, data: data ?? '' });
  }).catch(() => {
    // aborted by the test
  });
  const waitFor = async (check: () => boolean, what: string, ms = 5000) => {
    const until = Date.now() + ms;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await waitFor(() => events.some((e) => e.event === 'ready'), 'ready');
  return {
    events,
    get comments() {
      return comments;
    },
    waitFor,
    changes: () => events.filter((e) => e.event === 'change').map((e) => JSON.parse(e.data)),
    accessEvents: () => events.filter((e) => e.event === 'access').map((e) => JSON.parse(e.data)),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}
