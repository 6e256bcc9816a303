import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { CompatibilityGate } from './compatibility-gate';
import { StoppedError } from './online-gate';

const settled = (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => 'passed',
      (error: Error) => error.name,
    ),
    new Promise((resolve) => setTimeout(() => resolve('waiting'), 30)),
  ]);

describe('CompatibilityGate', () => {
  it('asks the server once, then lets every handler through when the MAJOR matches', async () => {
    let asked = 0;
    const gate = new CompatibilityGate('2.0', async () => {
      asked++;
      return { protocol_version: '2.4' };
    });
    await Promise.all([gate.pass(), gate.pass(), gate.pass()]);
    await gate.pass();
    expect(asked).toBe(1);
    expect(await firstValueFrom(gate.updateRequired$)).toBe(false);
  });

  it('holds every handler and reports an update when the server speaks another MAJOR', async () => {
    const gate = new CompatibilityGate('2.0', async () => ({ protocol_version: '3.0' }));
    expect(await settled(gate.pass())).toBe('waiting');
    expect(gate.updateRequired).toBe(true);
    expect(await firstValueFrom(gate.updateRequired$)).toBe(true);
    // Stopping (sign-out, closing) releases the waiting handlers.
    const waiting = gate.pass();
    gate.stop();
    await expect(waiting).rejects.toBeInstanceOf(StoppedError);
  });

  it('asks again after the server could not be reached', async () => {
    let attempt = 0;
    const gate = new CompatibilityGate('2.0', async () => {
      if (++attempt === 1) throw new Error('offline');
      return { protocol_version: '2.0' };
    });
    await expect(gate.pass()).rejects.toThrow('offline');
    await gate.pass();
    expect(attempt).toBe(2);
  });

  it('stops handlers that already passed once the server refuses a write as too old', async () => {
    const gate = new CompatibilityGate('2.0', async () => ({ protocol_version: '2.0' }));
    await gate.pass();
    gate.requireUpdate();
    expect(await settled(gate.pass())).toBe('waiting');
    expect(gate.updateRequired).toBe(true);
  });
});
