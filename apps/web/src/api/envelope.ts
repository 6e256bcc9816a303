// Reading the `{code, data}` / `{code, error}` envelopes (PROTOCOL.md) over fetch, shared by
// the REST client and the replication transport; each names its own error class.
import type { ErrorParams, ValidationIssue } from '@wikisync/shared';

/** What a failure envelope adds for saying it in the reader's language (shared error-details.ts). */
export interface FailureDetails {
  issues?: ValidationIssue[];
  reason?: string;
  params?: ErrorParams;
}

export type EnvelopeFailure = (
  status: number,
  code: string,
  message: string,
  data?: unknown,
  details?: FailureDetails,
) => Error;

/**
 * Sends the request and returns `data` of an OK envelope. Anything else throws what `fail`
 * builds: status 0 with code NETWORK when no answer came, else the server's code and message
 * (or HTTP_ERROR and the status when the body is not an envelope).
 */
export async function fetchEnvelope<T>(
  send: () => Promise<Response>,
  fail: EnvelopeFailure,
  unreachable: (error: Error) => string,
): Promise<T> {
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    throw fail(0, 'NETWORK', unreachable(error as Error));
  }
  const payload = (await response.json().catch(() => null)) as
    ({ code?: string; data?: T; error?: string } & FailureDetails) | null;
  if (!response.ok || !payload || payload.code !== 'OK') {
    throw fail(
      response.status,
      payload?.code ?? 'HTTP_ERROR',
      payload?.error ?? `The server answered ${response.status}.`,
      payload?.data,
      payload ? { issues: payload.issues, reason: payload.reason, params: payload.params } : undefined,
    );
  }
  return payload.data as T;
}
