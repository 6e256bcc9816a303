import { describe, expect, it } from 'vitest';
import { PageReadAhead, type Page } from './read-ahead';

interface TestPage extends Page {
  from: number;
  fetchedAt: number;
}

/** A feed of `total` rows at versions 1..total; records every request. */
function feed(total: number) {
  const requests: { checkpoint: number; limit: number }[] = [];
  let clock = 0;
  const failing = new Set<number>();
  const fetchPage = async (checkpoint: number, limit: number): Promise<TestPage> => {
    requests.push({ checkpoint, limit });
    if (failing.has(requests.length - 1)) throw new Error('network down');
    const last = Math.min(total, checkpoint + limit);
    return {
      from: checkpoint,
      fetchedAt: clock++,
      has_more: last - checkpoint === limit && last < total,
      checkpoint: { server_version: last },
    };
  };
  /** Makes the request with this index (0 = the first) fail. */
  return { requests, fetchPage, failRequest: (index: number) => failing.add(index) };
}

describe('PageReadAhead', () => {
  it('fetches the next page while the current one is stored, and hands it out once', async () => {
    const { requests, fetchPage } = feed(250);
    const pages = new PageReadAhead(fetchPage, () => 'token');
    const first = await pages.get(0, 100, true);
    expect(first.checkpoint.server_version).toBe(100);
    // The next page is already on its way before it is asked for.
    expect(requests).toEqual([
      { checkpoint: 0, limit: 100 },
      { checkpoint: 100, limit: 100 },
    ]);
    const second = await pages.get(100, 100, true);
    expect(second.from).toBe(100);
    const third = await pages.get(200, 100, true);
    expect(third.checkpoint.server_version).toBe(250);
    expect(third.has_more).toBe(false);
    // Three pages, three requests: nothing fetched twice, nothing read past the end.
    expect(requests.map((request) => request.checkpoint)).toEqual([0, 100, 200]);
  });

  it('fetches afresh when asked for another checkpoint, page size or token', async () => {
    const { requests, fetchPage } = feed(1000);
    let token = 'alice';
    const pages = new PageReadAhead(fetchPage, () => token);
    /** get(), checking that it asked the server for exactly that page during the call. */
    const fresh = async (checkpoint: number, limit: number) => {
      const before = requests.length;
      const page = await pages.get(checkpoint, limit, true);
      expect(requests[before]).toEqual({ checkpoint, limit });
      expect(page.from).toBe(checkpoint);
    };
    await pages.get(0, 100, true); // reads ahead at 100
    await fresh(50, 100); // another checkpoint
    await fresh(150, 50); // read ahead at 150 with 100 rows: another page size
    token = 'bob';
    await fresh(200, 50); // read ahead with alice's token: never shown to bob
  });

  it('retries a read-ahead that failed, and reads ahead only when asked and when there is more', async () => {
    const { requests, fetchPage, failRequest } = feed(300);
    const pages = new PageReadAhead(fetchPage, () => 't');
    await pages.get(0, 100, false);
    expect(requests).toHaveLength(1); // not asked to read ahead (offline)
    failRequest(2);
    await pages.get(0, 100, true); // its read-ahead at 100 (request 2) fails
    expect(requests).toHaveLength(3);
    const page = await pages.get(100, 100, true);
    expect(page.from).toBe(100);
    expect(requests.slice(3)).toEqual([
      { checkpoint: 100, limit: 100 }, // the failed read-ahead, fetched again
      { checkpoint: 200, limit: 100 },
    ]);
    const last = await pages.get(200, 100, true);
    expect(last.has_more).toBe(false);
    expect(requests).toHaveLength(5); // the last page read ahead was used; nothing past the end
  });
});
