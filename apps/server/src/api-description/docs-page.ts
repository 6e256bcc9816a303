// The API description as one self-contained HTML page, rendered here from the OpenAPI
// document: every endpoint with its method, path, summary, who may call it, parameters and
// the request and answer schemas. No script and no file from elsewhere (many operators have no
// internet), every value HTML-escaped, and one inline stylesheet allowed by its hash in the
// page's own Content-Security-Policy, which otherwise allows nothing.
import { createHash } from 'node:crypto';
import type { OpenApiDocument, OpenApiOperation } from './openapi-document.js';

const STYLE = [
  'body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}',
  'section{border-top:1px solid #d0d7de;padding:.5rem 0}',
  '.method{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}',
  'code,pre{font-family:ui-monospace,monospace;font-size:13px}',
  'pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem}',
  'h2{margin-top:2rem}',
].join('');

export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const schemaBlock = (label: string, schema: unknown) =>
  `<details><summary>${escapeHtml(label)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;

function renderOperation(method: string, path: string, operation: OpenApiOperation): string {
  const parts = [
    `<h3><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p>${escapeHtml(operation.summary)}</p>`,
  ];
  if (operation.parameters.length > 0) {
    const rows = operation.parameters
      .map(
        (parameter) =>
          `<li><code>${escapeHtml(parameter.name)}</code> (${parameter.in}${parameter.required ? ', required' : ''}): <code>${escapeHtml(JSON.stringify(parameter.schema))}</code></li>`,
      )
      .join('');
    parts.push(`<ul>${rows}</ul>`);
  }
  const body = operation.requestBody?.content['application/json']?.schema;
  if (body) parts.push(schemaBlock('Request body (JSON)', body));
  for (const [status, response] of Object.entries(operation.responses)) {
    if (status === 'default') continue;
    parts.push(`<p>${escapeHtml(status)}: ${escapeHtml(response.description)}</p>`);
    for (const [type, content] of Object.entries(response.content ?? {})) {
      if (Object.keys(content.schema).length > 0) parts.push(schemaBlock(`Answer (${type})`, content.schema));
      else parts.push(`<p>Answer: <code>${escapeHtml(type)}</code></p>`);
    }
  }
  return `<section>${parts.join('\n')}</section>`;
}

export function renderDocsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, operation)]);
    }
  }
  const sections = [...byTag].map(([tag, items]) => `<h2>${escapeHtml(tag)}</h2>\n${items.join('\n')}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(document.info.title)} API <small>protocol ${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Errors of every endpoint: <code>{"code":"…","error":"…"}</code>.</p>
${sections.join('\n')}
</body></html>
`;
}
