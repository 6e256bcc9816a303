// Pausing replication for "offline" without RxDB's own pause(): RxDB 17 drops local change
// events while paused and relies on a RESYNC re-reading from its push checkpoint, which a
// concurrent downstream write can move past an unpushed edit (seen in our property test).
// Instead the pull and push handlers wait at this gate while offline: RxDB's queues keep
// every event, and the waiting push goes out with the next one on resume.
import { BehaviorSubject, firstValueFrom, filter, type Observable } from 'rxjs';

export class StoppedError extends Error {
  constructor() {
    super('Replication was stopped.');
    this.name = 'StoppedError';
  }
}

export class OnlineGate {
  private readonly state = new BehaviorSubject<'online' | 'offline' | 'stopped'>('online');
  readonly paused$: Observable<boolean> = new BehaviorSubject(false);

  get isOnline(): boolean {
    return this.state.value === 'online';
  }

  /** Resolves at once when online, else when back online; rejects once stopped. */
  async pass(): Promise<void> {
    const state = await firstValueFrom(this.state.pipe(filter((value) => value !== 'offline')));
    if (state === 'stopped') throw new StoppedError();
  }

  setOnline(online: boolean): void {
    if (this.state.value === 'stopped') return;
    this.state.next(online ? 'online' : 'offline');
    (this.paused$ as BehaviorSubject<boolean>).next(!online);
  }

  stop(): void {
    this.state.next('stopped');
  }
}
