// Caps on open change streams (`GET /api/v1/sync/stream`): each holds a socket and a file
// descriptor for as long as the client stays, so without a cap one token could open streams
// until the process runs out of descriptors and nobody, not even `/health`, gets an answer.
//
// Past the per-user cap the *new* stream is refused (429), rather than the oldest closed:
// the web client reconnects a closed stream after 0.5 s, so with more clients than slots
// closing the oldest would make them evict one another for ever, while a refused client backs
// off (up to 30 s) and still pulls on focus and every five minutes. Only RxDB's leader tab
// streams, so the default of 16 is 16 browsers or devices of one user. Past the per-process
// cap every new stream gets 503 with Retry-After, leaving descriptors for everything else.
// A slot is taken before the response starts (a refusal must be a status, not an event) and
// given back when the stream ends, however it ends.
import { ServiceUnavailableError, TooManyRequestsError } from '../errors.js';

/** How long a refused client should wait; about the web client's longest backoff. */
export const STREAM_RETRY_AFTER_SECONDS = 30;

export class StreamSlots {
  private readonly perUser = new Map<number, number>();
  private total = 0;

  constructor(
    private readonly maxPerUser: number,
    private readonly maxTotal: number,
  ) {}

  get openCount(): number {
    return this.total;
  }

  /** Takes a slot for `userId` or throws; the returned function gives it back (once). */
  take(userId: number): () => void {
    if (this.total >= this.maxTotal) {
      throw new ServiceUnavailableError(
        `The server has ${this.maxTotal} change streams open, its limit; try again in ${STREAM_RETRY_AFTER_SECONDS} s.`,
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.maxPerUser) {
      throw new TooManyRequestsError(
        `You already have ${this.maxPerUser} change streams open, the limit per user; ` +
          'close other tabs or devices, or try again later.',
        STREAM_RETRY_AFTER_SECONDS,
      );
    }
    this.perUser.set(userId, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }
}
