// Fetches the next page of the changes feed while RxDB stores the current one. A first sync is
// a chain of pages, each fetched only after the previous one was written; overlapping the
// server's query and the transfer with the storage's writes takes them off the chain.
//
// A page read ahead is only handed out for exactly the checkpoint, page size and token it was
// fetched with, and only to the very next request: anything else discards it. Returning a page
// that is a little old is safe, because the checkpoint moves only past what the page holds, so
// a row changed since is fetched by a later page (no row is skipped, PROTOCOL.md §1).

export interface Page {
  has_more: boolean;
  checkpoint: { server_version: number };
}

interface Ahead<P> {
  checkpoint: number;
  limit: number;
  token: string | null;
  page: Promise<P>;
}

export class PageReadAhead<P extends Page> {
  private ahead: Ahead<P> | null = null;

  constructor(
    private readonly fetchPage: (checkpoint: number, limit: number) => Promise<P>,
    private readonly token: () => string | null,
  ) {}

  /** The page at `checkpoint`: the one read ahead when it matches, else a fresh request. */
  async get(checkpoint: number, limit: number, readAhead: boolean): Promise<P> {
    const ahead = this.ahead;
    this.ahead = null;
    const usable =
      ahead !== null &&
      ahead.checkpoint === checkpoint &&
      ahead.limit === limit &&
      ahead.token === this.token();
    // A read-ahead that failed is simply retried as a fresh request.
    const page = usable
      ? await ahead.page.catch(() => this.fetchPage(checkpoint, limit))
      : await this.fetchPage(checkpoint, limit);
    if (readAhead && page.has_more) this.start(page.checkpoint.server_version, limit);
    return page;
  }

  /** Forgets a page read ahead (on pause, stop, or a change of user). */
  clear(): void {
    this.ahead = null;
  }

  private start(checkpoint: number, limit: number): void {
    const page = this.fetchPage(checkpoint, limit);
    page.catch(() => {}); // consumed (or dropped) later; its failure is handled there
    this.ahead = { checkpoint, limit, token: this.token(), page };
  }
}
