// A tiny REST client for tests that set up data through the real API.

export async function api<T = unknown>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await response.json()) as { code: string; data?: T; error?: string };
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${payload.error}`);
  return payload.data as T;
}

/** A server's REST API as its admin. */
export const adminApi =
  (server: { url: string; adminToken: string }) =>
  <T = unknown>(method: string, path: string, body?: unknown) =>
    api<T>(server.url, server.adminToken, method, path, body);

/**
 * A repository of `pages` tasks made through the REST API, each task with one document it
 * points at, as a wiki generator leaves them. Returns the ids, documents in page order.
 */
export async function seedPages(
  server: { url: string; adminToken: string },
  name: string,
  pages: number,
  repositoryFields: Record<string, unknown> = {},
): Promise<{ id: number; documents: number[] }> {
  const call = adminApi(server);
  const repository = await call<{ id: number }>('POST', '/api/repositories', { name, ...repositoryFields });
  const documents: number[] = [];
  for (let index = 1; index <= pages; index++) {
    const task = await call<{ id: number }>('POST', '/api/tasks', {
      repository_id: repository.id,
      title: `${name} task ${index}`,
      status: 'succeeded',
      sort_order: index,
    });
    const document = await call<{ id: number }>('POST', '/api/documents', {
      repository_id: repository.id,
      task_id: task.id,
      title: `${name} page ${index}`,
      content: `# ${name} ${index}\n`,
    });
    await call('PATCH', `/api/tasks/${task.id}`, { doc_id: document.id });
    documents.push(document.id);
  }
  return { id: repository.id, documents };
}
