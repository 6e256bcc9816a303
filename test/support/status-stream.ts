// Follows an instance-sync session's status stream (GET /api/sync/status/:id/stream) to its
// end, as the /sync page does, and returns every status it sent.
import { INSTANCE_SYNC_STATUS_EVENT, type InstanceSyncStatus } from '@wikisync/shared';
import { createSseParser } from '../../apps/web/src/sync/sse-parser.js';

export async function followStatusStream(
  url: string,
  token: string,
  syncId: string,
  timeoutMs = 60_000,
): Promise<InstanceSyncStatus[]> {
  const response = await fetch(`${url}/api/sync/status/${syncId}/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok || !response.body)
    throw new Error(`the status stream answered ${response.status}: ${await response.text()}`);
  const statuses: InstanceSyncStatus[] = [];
  const parser = createSseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return statuses;
    for (const message of parser.push(value).messages)
      if (message.event === INSTANCE_SYNC_STATUS_EVENT)
        statuses.push(JSON.parse(message.data) as InstanceSyncStatus);
  }
}
