// Markdown to HTML for display. Content comes from other people and other servers, so the
// HTML is sanitised, and more strictly than DOMPurify's defaults: besides scripts, event
// handlers and javascript: URLs, a document may not restyle the app (`<style>`, `style=`),
// draw forms that post elsewhere (a fake "paste your token" overlay), or load images from
// other hosts, which would tell their owner who read the document and when. External images
// are held back until the reader asks for their host (MarkdownView's "load images" buttons).
// The server's Content-Security-Policy (security-headers.ts) backs each rule up.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

/** Elements that could restyle the page, collect input or load media past the image gate. */
const FORBIDDEN_TAGS = [
  'style',
  'link',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'fieldset',
  'audio',
  'video',
  'source',
  'track',
  'picture',
];
const FORBIDDEN_ATTRIBUTES = ['style', 'class', 'srcset', 'background', 'poster', 'action', 'formaction'];

/** The attribute a held-back image keeps its address in, until its host is allowed. */
export const BLOCKED_SRC_ATTRIBUTE = 'data-blocked-src';

export interface RenderOptions {
  /** Hosts (`example.com:8080`) whose images the reader has chosen to load. */
  allowedImageHosts?: ReadonlySet<string>;
  /** The app's own origin: its images always load. */
  origin?: string;
}

export interface RenderedMarkdown {
  html: string;
  /** Hosts of the images held back, in the order they appear, each once. */
  blockedImageHosts: string[];
}

export function renderMarkdown(source: string, options: RenderOptions = {}): RenderedMarkdown {
  const origin = options.origin ?? globalThis.location?.origin ?? 'null';
  const allowed = options.allowedImageHosts ?? new Set<string>();
  const blocked = new Set<string>();
  const gateImage = (node: Element) => {
    if (node.tagName !== 'IMG') return;
    const src = node.getAttribute('src');
    if (src === null) return;
    let url: URL;
    try {
      url = new URL(src, origin);
    } catch {
      node.removeAttribute('src');
      return;
    }
    if (url.origin === origin || url.protocol === 'data:') return;
    if (allowed.has(url.host)) return;
    blocked.add(url.host);
    node.removeAttribute('src');
    node.setAttribute(BLOCKED_SRC_ATTRIBUTE, url.href);
  };
  const html = marked.parse(source, { async: false, gfm: true });
  DOMPurify.addHook('afterSanitizeAttributes', gateImage);
  try {
    const clean = DOMPurify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: FORBIDDEN_TAGS,
      FORBID_ATTR: FORBIDDEN_ATTRIBUTES,
    });
    return { html: clean, blockedImageHosts: [...blocked] };
  } finally {
    DOMPurify.removeHook('afterSanitizeAttributes', gateImage);
  }
}
