// Markdown to HTML for display. Content comes from other people and other servers, so the
// HTML is sanitised: scripts, event handlers and javascript: URLs never reach the page.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}
