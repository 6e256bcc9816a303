import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser';

describe('SSE parser', () => {
  it('parses events split across chunks at any point, with CRLF, LF and CR line ends', () => {
    const text =
      'event: ready\r\ndata: {"a":1}\r\n\r\n: heartbeat\n\nevent: change\ndata: {"collection":"tasks"}\n\ndata: x\rdata: y\r\r';
    for (let split = 0; split <= text.length; split++) {
      const parser = createSseParser();
      const first = parser.push(text.slice(0, split));
      const second = parser.push(text.slice(split));
      expect([...first.messages, ...second.messages]).toEqual([
        { event: 'ready', data: '{"a":1}' },
        { event: 'change', data: '{"collection":"tasks"}' },
        { event: 'message', data: 'x\ny' },
      ]);
      expect(first.comments + second.comments).toBe(1);
    }
  });

  it('ignores unknown fields and blocks without data', () => {
    const parser = createSseParser();
    expect(parser.push('id: 5\nretry: 100\n\nevent: change\n\n').messages).toEqual([]);
  });
});
