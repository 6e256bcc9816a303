// The REST client: adds the bearer token, unwraps `{code, data}` and turns `{code, error}`
// into an ApiError that carries the server's message for the UI to show.
import type {
  Document,
  DocumentUpdate,
  Page,
  Repository,
  SignInResponse,
  Task,
  TaskUpdate,
} from '@wikisync/shared';
import { fetchEnvelope, type EnvelopeFailure, type FailureDetails } from './envelope';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Lets the UI say the failure in the reader's language (i18n/error-message.ts). */
    readonly details?: FailureDetails,
    /** The envelope's `data`: for PRECONDITION_FAILED, the row as it is now. */
    readonly data?: unknown,
    /** The answer's ETag: for PRECONDITION_FAILED, the current row's version. */
    readonly etag?: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const UNREACHABLE = 'The server cannot be reached; check your connection.';

export type TokenSource = () => string | null;

/** A row with the ETag it was answered with (its version, sent back as If-Match). */
export interface Tagged<Row> {
  row: Row;
  etag: string;
}

export function createApiClient(getToken: TokenSource, baseUrl = '') {
  async function send<T>(
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string,
  ): Promise<{ data: T; etag: string | null }> {
    const headers: Record<string, string> = {};
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    let etag: string | null = null;
    const data = await fetchEnvelope<T>(
      async () => {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        etag = response.headers.get('etag');
        return response;
      },
      (status, code, message, data, details) => new ApiError(status, code, message, details, data, etag),
      () => UNREACHABLE,
    );
    return { data, etag };
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await send<T>(method, path, body)).data;
  }

  /** A row and its ETag; `ifMatch` makes a write fail with PRECONDITION_FAILED if it moved. */
  async function tagged<T>(method: string, path: string, body?: unknown, ifMatch?: string) {
    const { data, etag } = await send<T>(method, path, body, ifMatch);
    if (!etag) throw new ApiError(200, 'HTTP_ERROR', `The server answered ${path} without an ETag.`);
    return { row: data, etag } satisfies Tagged<T>;
  }

  /**
   * Opens a Server-Sent Events stream with the token (EventSource cannot send one). A refusal
   * throws the server's error as `request` would.
   */
  async function openStream(path: string, signal: AbortSignal): Promise<NonNullable<Response['body']>> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const fail: EnvelopeFailure = (status, code, message, data, details) =>
      new ApiError(status, code, message, details, data);
    const unreachable = () => UNREACHABLE;
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { headers, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw fail(0, 'NETWORK', unreachable());
    }
    if (response.ok && response.body) return response.body;
    // Refused: the envelope's error, read as `request` reads it (a non-OK answer always throws).
    await fetchEnvelope(async () => response, fail, unreachable);
    throw fail(response.status, 'HTTP_ERROR', `The server answered ${path} without a stream.`);
  }

  return {
    request,
    openStream,
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
    readDocument: (id: number) => tagged<Document>('GET', `/api/documents/${id}`),
    /** Written only if the document still has the version `etag` names. */
    updateDocument: (id: number, patch: DocumentUpdate, etag: string) =>
      tagged<Document>('PATCH', `/api/documents/${id}`, patch, etag),
    readTask: (id: number) => tagged<Task>('GET', `/api/tasks/${id}`),
    /** Written only if the task still has the version `etag` names. */
    updateTask: (id: number, patch: TaskUpdate, etag: string) =>
      tagged<Task>('PATCH', `/api/tasks/${id}`, patch, etag),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
