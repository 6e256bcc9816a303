// A Server-Sent Events parser for fetch bodies (the browser's EventSource cannot send an
// Authorization header). Feed it text chunks as they arrive; it returns complete messages
// and counts comment lines (heartbeats). Follows the WHATWG event-stream rules that matter
// here: CRLF/LF/CR line ends, `event:`/`data:` fields, multi-line data, `:` comments.

export interface SseMessage {
  event: string;
  data: string;
}

export function createSseParser() {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  // A chunk that ended in CR may be followed by the LF of the same CRLF.
  let skipLeadingLf = false;

  return {
    /** Returns the messages completed by this chunk; `comments` counts heartbeat lines. */
    push(chunk: string): { messages: SseMessage[]; comments: number } {
      if (skipLeadingLf && chunk !== '') {
        if (chunk.startsWith('\n')) chunk = chunk.slice(1);
        skipLeadingLf = false;
      }
      buffer += chunk;
      const messages: SseMessage[] = [];
      let comments = 0;
      for (;;) {
        const match = /\r\n|\n|\r/.exec(buffer);
        if (!match) break;
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (match[0] === '\r' && buffer === '') skipLeadingLf = true;
        if (line === '') {
          if (data.length > 0) messages.push({ event: event || 'message', data: data.join('\n') });
          event = '';
          data = [];
        } else if (line.startsWith(':')) {
          comments++;
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
      }
      return { messages, comments };
    },
  };
}
