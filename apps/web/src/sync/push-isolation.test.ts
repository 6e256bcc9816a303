// The batch splitting as a table: which rows a server that refuses some of them (whole batch
// or nothing, like the real one) ends up storing, which come back refused, and when the whole
// attempt fails so RxDB retries it.
import { describe, expect, it } from 'vitest';
import { pushIsolatingRefusals } from './push-isolation';

class Refusal extends Error {
  constructor(readonly permanent: boolean) {
    super(permanent ? 'refused for good' : 'try again');
  }
}

/** A server that applies a batch only when none of its rows is refused. */
function fakeServer(bad: Set<number>, transientOnce = new Set<number>()) {
  const stored: number[] = [];
  const requests: number[][] = [];
  const send = async (batch: number[]) => {
    requests.push(batch);
    const transient = batch.find((row) => transientOnce.has(row));
    if (transient !== undefined) {
      transientOnce.delete(transient);
      throw new Refusal(false);
    }
    if (batch.some((row) => bad.has(row))) throw new Refusal(true);
    stored.push(...batch);
    return batch.filter((row) => row % 10 === 7).map((row) => `conflict ${row}`);
  };
  return { stored, requests, send };
}

const isPermanent = (error: unknown) => error instanceof Refusal && error.permanent;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('pushIsolatingRefusals', () => {
  it.each([
    ['no bad row', 100, [], 1],
    ['one bad row among 100', 100, [42], 15],
    ['the first and the last row bad', 100, [0, 99], 27],
    ['every row bad', 4, [0, 1, 2, 3], 7],
    ['a single bad row alone', 1, [0], 1],
  ])(
    '%s: every good row is stored, in order, and only the bad ones refused',
    async (_name, n, badRows, maxRequests) => {
      const server = fakeServer(new Set(badRows));
      const result = await pushIsolatingRefusals(range(n), server.send, isPermanent);
      expect(server.stored).toEqual(range(n).filter((row) => !badRows.includes(row)));
      expect(result.refused.map((refusal) => refusal.row)).toEqual(badRows);
      expect(result.refused.every((refusal) => isPermanent(refusal.error))).toBe(true);
      expect(result.conflicts).toEqual(
        range(n)
          .filter((row) => !badRows.includes(row) && row % 10 === 7)
          .map((row) => `conflict ${row}`),
      );
      expect(server.requests.length).toBeLessThanOrEqual(maxRequests);
    },
  );

  it('gives up the whole attempt on a transient failure, so the batch is retried later', async () => {
    const server = fakeServer(new Set([3]), new Set([6]));
    await expect(pushIsolatingRefusals(range(8), server.send, isPermanent)).rejects.toThrow('try again');
    // The retry resends what a half already delivered; the server takes it again.
    const retry = await pushIsolatingRefusals(range(8), server.send, isPermanent);
    expect(retry.refused.map((refusal) => refusal.row)).toEqual([3]);
    expect(new Set(server.stored)).toEqual(new Set([0, 1, 2, 4, 5, 6, 7]));
  });

  it('lets the caller judge a refusal per batch', async () => {
    // As for a missing owner that is itself still waiting to be pushed: not for good.
    const server = fakeServer(new Set([2]));
    await expect(
      pushIsolatingRefusals(
        range(4),
        server.send,
        (error, batch) => isPermanent(error) && !batch.includes(2),
      ),
    ).rejects.toThrow('refused for good');
    expect(server.stored).toEqual([]);
  });
});
