// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown';

describe('renderMarkdown', () => {
  it('renders markdown headings, code and tables', () => {
    const html = renderMarkdown('# Title\n\n`code`\n\n| a |\n|---|\n| 1 |');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<td>1</td>');
  });

  it('keeps script and event-handler payloads inert', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>',
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onerror');
    expect(html).not.toContain('javascript:');
  });
});
