// Helpers of the access-lost list: its code (as parked by sync/dropped-rows.ts, restated here
// because components do not import the sync core) and the file download of an export.

/** Parked-push code of an edit to a repository the person can no longer read. */
export const ACCESS_LOST_CODE = 'ACCESS_LOST';

/** Offers `data` as a JSON file to download: the parked edits are their only copy. */
export function downloadJson(fileName: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName.replace(/[\\/:*?"<>|]/g, '_');
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
