// The REST client: adds the bearer token, unwraps `{code, data}` and turns `{code, error}`
// into an ApiError that carries the server's message for the UI to show.
import type { Document, Page, Repository, SignInResponse, Task } from '@wikisync/shared';
import { fetchEnvelope, type FailureDetails } from './envelope';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Lets the UI say the failure in the reader's language (i18n/error-message.ts). */
    readonly details?: FailureDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type TokenSource = () => string | null;

export function createApiClient(getToken: TokenSource, baseUrl = '') {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetchEnvelope<T>(
      () =>
        fetch(`${baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      (status, code, message, _data, details) => new ApiError(status, code, message, details),
      () => 'The server cannot be reached; check your connection.',
    );
  }

  return {
    request,
    me: () => request<{ id: number; name: string; is_admin: boolean }>('GET', '/api/me'),
    signIn: (name: string, password: string) =>
      request<SignInResponse>('POST', '/api/auth/sign-in', { name, password }),
    signOut: () => request<{ signed_out: boolean }>('POST', '/api/auth/sign-out'),
    listRepositories: (limit = 200, offset = 0) =>
      request<Page<Repository>>('GET', `/api/repositories?limit=${limit}&offset=${offset}`),
    getRepository: (id: number) => request<Repository>('GET', `/api/repositories/${id}`),
    listTasks: (repositoryId: number, limit = 500, offset = 0) =>
      request<Page<Task>>('GET', `/api/tasks?repository_id=${repositoryId}&limit=${limit}&offset=${offset}`),
    listDocuments: (repositoryId: number, limit = 500, offset = 0) =>
      request<Page<Document>>(
        'GET',
        `/api/documents?repository_id=${repositoryId}&limit=${limit}&offset=${offset}`,
      ),
    getDocument: (id: number) => request<Document>('GET', `/api/documents/${id}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
