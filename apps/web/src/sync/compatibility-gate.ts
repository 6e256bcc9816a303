// The check on connect: before this replica's first pull or push, read the server's protocol
// version (`GET /status`) and compare MAJORs (shared client-compatibility.ts). Another MAJOR
// means this app would read rows it does not understand and push rows the server cannot take,
// so replication stops for good and the person is asked to reload: the local data and the
// edits waiting in it stay, and the reloaded (newer) app migrates and pushes them. The server
// refusing a write with CLIENT_UPDATE_REQUIRED (it was upgraded while this tab ran) has the
// same effect. Like the online gate, the handlers wait here rather than fail, so RxDB keeps
// every queued edit instead of retrying into the server.
import { BehaviorSubject, filter, firstValueFrom, map, type Observable } from 'rxjs';
import { protocolCompatible } from '@wikisync/shared';
import { StoppedError } from './online-gate';

type GateState = 'unchecked' | 'compatible' | 'update-required' | 'stopped';

export interface ServerVersionInfo {
  protocol_version: string;
}

export class CompatibilityGate {
  private readonly state = new BehaviorSubject<GateState>('unchecked');
  private checking: Promise<void> | null = null;
  readonly updateRequired$: Observable<boolean> = this.state.pipe(
    map((state) => state === 'update-required'),
  );

  constructor(
    /** The protocol version this app was built with. */
    private readonly ours: string,
    private readonly readServerVersion: () => Promise<ServerVersionInfo>,
  ) {}

  get updateRequired(): boolean {
    return this.state.value === 'update-required';
  }

  /**
   * Resolves once the server is known to speak this app's MAJOR (asking it the first time);
   * rejects when it cannot be asked (RxDB retries later) or once stopped; never resolves while
   * an update is required.
   */
  async pass(): Promise<void> {
    if (this.state.value === 'unchecked') {
      this.checking ??= this.check().finally(() => (this.checking = null));
      await this.checking;
    }
    const state = await firstValueFrom(this.state.pipe(filter((value) => value !== 'update-required')));
    if (state === 'stopped') throw new StoppedError();
  }

  /** The server refused a write because this app is too old or too new for it. */
  requireUpdate(): void {
    if (this.state.value !== 'stopped') this.state.next('update-required');
  }

  stop(): void {
    this.state.next('stopped');
  }

  private async check(): Promise<void> {
    const server = await this.readServerVersion();
    if (this.state.value !== 'unchecked') return;
    this.state.next(
      protocolCompatible(this.ours, server.protocol_version) ? 'compatible' : 'update-required',
    );
  }
}
