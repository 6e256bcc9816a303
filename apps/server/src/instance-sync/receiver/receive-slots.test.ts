// A sender's receives into one repository hold at most two database connections at once; the
// others wait their turn, in the order they came, and a receive that fails gives its slot on.
import { describe, expect, it } from 'vitest';
import { receiveKey, ReceiveSlots } from './receive-slots.js';

/** A work that runs until `finish` is called, noting when it started. */
function held(log: string[], name: string) {
  let finish: (failure?: Error) => void = () => {};
  const done = new Promise<string>((resolve, reject) => {
    finish = (failure) => (failure ? reject(failure) : resolve(name));
  });
  return {
    work: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish: (failure?: Error) => finish(failure),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('receive slots', () => {
  it('runs two receives of one repository at once, and the others in the order they came', async () => {
    const slots = new ReceiveSlots();
    const log: string[] = [];
    const key = receiveKey('instance:a', 7);
    const works = ['1', '2', '3', '4'].map((name) => held(log, name));
    const results = works.map((w) => slots.run(key, w.work));
    await turn();
    expect(log).toEqual(['start 1', 'start 2']);
    works[1]!.finish();
    await turn();
    expect(log).toEqual(['start 1', 'start 2', 'start 3']);
    works[0]!.finish();
    await turn();
    expect(log).toEqual(['start 1', 'start 2', 'start 3', 'start 4']);
    works[2]!.finish();
    works[3]!.finish();
    expect(await Promise.all(results)).toEqual(['1', '2', '3', '4']);
  });

  it('does not make other repositories or other senders wait', async () => {
    const slots = new ReceiveSlots();
    const log: string[] = [];
    const busy = [held(log, 'a7-1'), held(log, 'a7-2')];
    for (const w of busy) void slots.run(receiveKey('instance:a', 7), w.work);
    const other = [held(log, 'a8'), held(log, 'b7')];
    const others = [
      slots.run(receiveKey('instance:a', 8), other[0]!.work),
      slots.run(receiveKey('instance:b', 7), other[1]!.work),
    ];
    await turn();
    expect(log).toEqual(['start a7-1', 'start a7-2', 'start a8', 'start b7']);
    for (const w of [...busy, ...other]) w.finish();
    expect(await Promise.all(others)).toEqual(['a8', 'b7']);
  });

  it('passes on the slot of a receive that fails, and gives its caller the error', async () => {
    const slots = new ReceiveSlots();
    const log: string[] = [];
    const key = receiveKey('instance:a', 7);
    const works = ['1', '2', '3'].map((name) => held(log, name));
    const results = works.map((w) => slots.run(key, w.work).catch((error: Error) => error.message));
    await turn();
    works[0]!.finish(new Error('the database went away'));
    await turn();
    expect(log).toEqual(['start 1', 'start 2', 'start 3']);
    works[1]!.finish();
    works[2]!.finish();
    expect(await Promise.all(results)).toEqual(['the database went away', '2', '3']);
    // Every slot given back: two more start at once.
    const again = [held(log, '4'), held(log, '5')];
    const more = again.map((w) => slots.run(key, w.work));
    await turn();
    expect(log.slice(-2)).toEqual(['start 4', 'start 5']);
    for (const w of again) w.finish();
    await Promise.all(more);
  });
});
