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
