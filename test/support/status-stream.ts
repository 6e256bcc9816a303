// Follows an instance-sync session's status stream (GET /api/sync/status/:id/stream) to its
// end, as the /sync page does, and returns every status it sent.
import { INSTANCE_SYNC_STATUS_EVENT, type InstanceSyncStatus } from '@wikisync/shared';

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
  let buffer = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      if (!lines.includes(`event: ${INSTANCE_SYNC_STATUS_EVENT}`)) continue;
      const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6));
      statuses.push(JSON.parse(data.join('\n')) as InstanceSyncStatus);
    }
  }
  return statuses;
}
