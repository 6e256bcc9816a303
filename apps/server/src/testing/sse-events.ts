// Reads the change stream's server-sent events in tests, one message at a time, as a
// browser's EventSource would cut them: messages end at a blank line.

export interface SseMessage {
  /** The `event:` field, when the message has one. */
  event: string | undefined;
  /** The `data:` field, when the message has one. */
  data: string | undefined;
  /** A comment line (`: ...`), which the server sends as a heartbeat. */
  comment: boolean;
}

/**
 * Calls `onMessage` for each message of `response`'s body; resolves when the body ends, or
 * when `onMessage` returns false (the body is then cancelled, which closes a real connection).
 */
export async function readSseMessages(
  response: Response,
  onMessage: (message: SseMessage) => void | boolean,
): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const more = onMessage({
        event: /^event: (.*)$/m.exec(block)?.[1],
        data: /^data: (.*)$/m.exec(block)?.[1],
        comment: block.startsWith(':'),
      });
      if (more === false) {
        await reader.cancel();
        return;
      }
    }
  }
}
