// Keeps one refused row from blocking its collection. The server applies a push batch whole
// or not at all (apps/server/src/replication/push.ts), so a single row it refuses for good
// (too large, an owner it lacks, invalid) fails every row sent with it. When that happens the
// batch is halved and each half sent again, down to single rows: every row the server takes
// goes through, and only the rows it refuses on their own come back as refused.
//
// Cost: k bad rows among n cost about 2·k·log2(n) extra requests; a good batch costs nothing
// extra. Halves go one after the other, so rows still arrive in the order RxDB gave them.
// A failure that is not permanent (offline, 5xx, 429) ends the whole attempt with that error:
// RxDB retries the batch later, and rows a half already delivered are resent harmlessly (the
// server answers a state it already has with success and writes nothing).

export interface RefusedPush<Row> {
  row: Row;
  error: unknown;
}

export interface IsolatedPush<Row, Conflict> {
  /** The server's conflicts for the rows it compared. */
  conflicts: Conflict[];
  /** Rows the server refused for good on their own, with its answer. */
  refused: RefusedPush<Row>[];
}

/**
 * Sends `rows` through `send`; `isPermanent` tells whether an error refuses the batch it was
 * given for good (it sees the batch, so it may decide per batch).
 */
export async function pushIsolatingRefusals<Row, Conflict>(
  rows: readonly Row[],
  send: (batch: Row[]) => Promise<Conflict[]>,
  isPermanent: (error: unknown, batch: readonly Row[]) => boolean | Promise<boolean>,
): Promise<IsolatedPush<Row, Conflict>> {
  const conflicts: Conflict[] = [];
  const refused: RefusedPush<Row>[] = [];
  const attempt = async (batch: Row[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      conflicts.push(...(await send(batch)));
    } catch (error) {
      if (!(await isPermanent(error, batch))) throw error;
      if (batch.length === 1) {
        refused.push({ row: batch[0]!, error });
        return;
      }
      const middle = Math.ceil(batch.length / 2);
      await attempt(batch.slice(0, middle));
      await attempt(batch.slice(middle));
    }
  };
  await attempt([...rows]);
  return { conflicts, refused };
}
