import { describe, expect, it } from 'vitest';
import { readCapped } from '../../http/read-capped.js';
import { copyText, lineBytes } from './line-bytes.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

describe('lineBytes', () => {
  it('writes each line and its newline once, in UTF-8, sized exactly', () => {
    const bytes = lineBytes(['文档 一', '', 'tab\there ✓'], '{"format":"copy-v1"}');
    expect(bytes.toString('utf8')).toBe('{"format":"copy-v1"}\n文档 一\n\ntab\there ✓\n');
    expect(bytes.byteLength).toBe(Buffer.byteLength('{"format":"copy-v1"}\n文档 一\n\ntab\there ✓\n'));
  });

  it('is an empty buffer for no lines and no head', () => {
    expect(lineBytes([]).byteLength).toBe(0);
  });
});

describe('copyText', () => {
  it('escapes what ends a field or a row, the backslash first, so COPY reads the text back as it was', () => {
    expect(copyText('a\\nb\n\tc\r\\', 'text')).toBe('a\\\\nb\\n\\tc\\r\\\\');
    expect(copyText(null, 'text')).toBe('\\N');
    expect(copyText('\\N', 'text')).toBe('\\\\N');
    // Each of the four alone, and text with none of them, which goes as it is.
    expect(['\r', '\t', '\n', '\\'].map((one) => copyText(`x${one}y`, 'text'))).toEqual([
      'x\\ry',
      'x\\ty',
      'x\\ny',
      'x\\\\y',
    ]);
    expect(copyText('文档 plain ✓', 'text')).toBe('文档 plain ✓');
    expect(copyText({ note: 'a\nb' }, 'jsonb')).toBe('{"note":"a\\\\nb"}');
    expect(copyText(12, 'bigint')).toBe('12');
  });
});

describe('readCapped', () => {
  it('joins the chunks of a body within the limit', async () => {
    const body = await readCapped(streamOf(['ab', 'cd', '文']), 100);
    expect(Buffer.from(body!).toString('utf8')).toBe('abcd文');
  });

  it('gives null once the body passes the limit', async () => {
    expect(await readCapped(streamOf(['abc', 'def']), 5)).toBeNull();
  });
});
