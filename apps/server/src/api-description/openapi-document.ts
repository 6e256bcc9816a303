// Renders the endpoint table (api-endpoints.ts) as an OpenAPI 3.1 document. Schemas are the
// routes' own zod schemas through zod 4's `z.toJSONSchema` (JSON Schema 2020-12, the dialect
// OpenAPI 3.1 uses): requests as the input a client sends (defaults optional), answers as
// the output the server produces. What JSON Schema cannot say (a transform, a refinement)
// is left open rather than guessed.
import { z } from 'zod';
import { PROTOCOL_VERSION } from '@wikisync/shared';
import { API_ENDPOINTS, type ApiEndpoint } from './api-endpoints.js';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
};
export type OpenApiOperation = {
  tags: string[];
  summary: string;
  security: Record<string, string[]>[];
  parameters: {
    name: string;
    in: 'path' | 'query' | 'header';
    required: boolean;
    description?: string;
    schema: JsonSchema;
  }[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { description: string; schema: JsonSchema }>;
      content?: Record<string, { schema: JsonSchema }>;
    }
  >;
};

const ETAG_HEADER = {
  ETag: {
    description: "The row's version (its server_version in double quotes); send it back as If-Match.",
    schema: { type: 'string', pattern: '^(W/)?"[1-9][0-9]*"$' },
  },
};

const IF_MATCH_PARAMETER = {
  name: 'If-Match',
  in: 'header' as const,
  required: false,
  description:
    'The ETag of the row as you read it: the change is written only if the row still has that ' +
    'version, else 412 PRECONDITION_FAILED with the current row as `data`. Without it (or with *) ' +
    'the change is written whatever the version; anything else but one quoted version (weak or ' +
    'strong: W/"123" names the same version) is a 400.',
  schema: { type: 'string', pattern: '^((W/)?"[1-9][0-9]*"|\\*)$' },
};

const AUTH_NOTE: Record<ApiEndpoint['auth'], string> = {
  none: 'No token needed.',
  bearer: 'A user token (or ADMIN_TOKEN) as `Authorization: Bearer <token>`.',
  admin: 'An admin token as `Authorization: Bearer <token>`; others get 403.',
  peer: 'An admin or peer token (its scopes decide), or none from an address in SYNC_ALLOW_TOKENLESS_FROM.',
};

/**
 * One schema as JSON Schema. A recursive schema's `$defs` become components, since a `#/…`
 * reference inside an OpenAPI document points at the document, not at the schema.
 */
function toSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  let text = JSON.stringify(rest);
  for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
    const id = `${name}_${Object.keys(components).length}`;
    components[id] = definition;
    text = text.replaceAll(`"#/$defs/${name}"`, `"#/components/schemas/${id}"`);
  }
  return JSON.parse(text) as JsonSchema;
}

function parameters(endpoint: ApiEndpoint, components: Record<string, JsonSchema>) {
  const inHeader = endpoint.versioned === 'write' ? [IF_MATCH_PARAMETER] : [];
  const inPath = [...endpoint.path.matchAll(/:(\w+)/g)].map((match) => ({
    name: match[1]!,
    in: 'path' as const,
    required: true,
    schema:
      match[1] === 'sync_id' || endpoint.path.startsWith('/api/sync/sessions')
        ? { type: 'string' }
        : { type: 'integer', minimum: 1 },
  }));
  if (!endpoint.query) return [...inPath, ...inHeader];
  const query = toSchema(endpoint.query, 'input', components);
  const required = new Set((query.required ?? []) as string[]);
  const properties = (query.properties ?? {}) as Record<string, JsonSchema>;
  return [
    ...inPath,
    ...Object.entries(properties).map(([name, schema]) => ({
      name,
      in: 'query' as const,
      required: required.has(name),
      schema,
    })),
    ...inHeader,
  ];
}

function operation(endpoint: ApiEndpoint, components: Record<string, JsonSchema>): OpenApiOperation {
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
  const okBody = endpoint.response
    ? json({
        type: 'object',
        properties: { code: { const: 'OK' }, data: toSchema(endpoint.response, 'output', components) },
        required: ['code', 'data'],
      })
    : { [endpoint.produces ?? 'application/json']: { schema: {} } };
  return {
    tags: [endpoint.tag],
    summary: endpoint.summary,
    security:
      endpoint.auth === 'none'
        ? []
        : endpoint.auth === 'peer'
          ? [{ bearerAuth: [] }, {}]
          : [{ bearerAuth: [] }],
    parameters: parameters(endpoint, components),
    ...(endpoint.body
      ? { requestBody: { required: true, content: json(toSchema(endpoint.body, 'input', components)) } }
      : {}),
    responses: {
      [String(endpoint.status ?? 200)]: {
        description: AUTH_NOTE[endpoint.auth],
        ...(endpoint.versioned ? { headers: ETAG_HEADER } : {}),
        content: okBody,
      },
      ...(endpoint.versioned === 'write'
        ? {
            '412': {
              description:
                'If-Match named a version the row no longer has; nothing was written. `data` is the ' +
                'row as it is now and ETag its version: compare, then send again with that ETag.',
              headers: ETAG_HEADER,
              content: json({ $ref: '#/components/schemas/Error' }),
            },
          }
        : {}),
      default: {
        description: 'An error: `code` names it, `error` says what to fix.',
        content: json({ $ref: '#/components/schemas/Error' }),
      },
    },
  };
}

export function buildOpenApiDocument(endpoints: readonly ApiEndpoint[] = API_ENDPOINTS): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {
    Error: {
      type: 'object',
      properties: { code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' }, error: { type: 'string' } },
      required: ['code', 'error'],
    },
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const endpoint of endpoints) {
    const path = endpoint.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[endpoint.method.toLowerCase()] = operation(endpoint, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wikisync',
      version: String(PROTOCOL_VERSION),
      description:
        'REST, browser replication (/api/v1/sync) and instance sync (/api/sync, openDeepWiki-compatible). ' +
        'Answers are {"code":"OK","data":…} or {"code":"…","error":"…"}. PROTOCOL.md is the full contract.',
    },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A wikisync token.' } },
      schemas,
    },
  };
}
