// The path segment that names a row in the app's URLs (/repo/:repoId/doc/:docId).

/** The row's numeric id when the server gave one, else its uid (rows made offline have no id yet). */
export function routeId(row: { id?: number | null | undefined; uid: string }): string {
  return row.id === null || row.id === undefined ? row.uid : String(row.id);
}
