import { describe, expect, it } from 'vitest';
import { advancePull, planPull, type SelectionCheckpoint } from './selected-pull';

describe('pulling only the repositories kept offline', () => {
  it('starts the selection from the beginning and keeps it in the checkpoint', () => {
    const step = planPull(undefined, [7, 3]);
    expect(step).toEqual({ kind: 'main', repositories: [3, 7], from: 0 });
    expect(advancePull(undefined, [7, 3], step, 40, true)).toEqual({
      server_version: 40,
      repositories: [3, 7],
    });
    // All dropped, then one kept again: its rows below the old position must come too.
    expect(planPull({ server_version: 40, repositories: [3] }, [9])).toEqual({
      kind: 'main',
      repositories: [9],
      from: 0,
    });
  });

  it('continues the main feed with the covered repositories', () => {
    const checkpoint = { server_version: 90, repositories: [3] };
    expect(planPull(checkpoint, [3])).toEqual({ kind: 'main', repositories: [3], from: 90 });
  });

  it('drains an added repository from 0 without moving the main position, then folds it in', () => {
    const start: SelectionCheckpoint = { server_version: 90, repositories: [3] };
    const first = planPull(start, [3, 5]);
    expect(first).toEqual({ kind: 'catch-up', repositories: [5], from: 0 });
    const midway = advancePull(start, [3, 5], first, 50, false);
    expect(midway).toEqual({
      server_version: 90,
      repositories: [3],
      catch_up: { repositories: [5], server_version: 50 },
    });
    const second = planPull(midway, [3, 5]);
    expect(second).toEqual({ kind: 'catch-up', repositories: [5], from: 50 });
    const folded = advancePull(midway, [3, 5], second, 120, true);
    expect(folded).toEqual({ server_version: 90, repositories: [3, 5] });
    expect(planPull(folded, [3, 5])).toEqual({ kind: 'main', repositories: [3, 5], from: 90 });
  });

  it('restarts a catch-up whose set of added repositories changed', () => {
    const midway = {
      server_version: 90,
      repositories: [3],
      catch_up: { repositories: [5], server_version: 50 },
    };
    expect(planPull(midway, [3, 5, 8])).toEqual({ kind: 'catch-up', repositories: [5, 8], from: 0 });
  });

  it('narrows the covered set when a repository is dropped, without a new pull', () => {
    const checkpoint = { server_version: 90, repositories: [3, 5] };
    expect(planPull(checkpoint, [5])).toEqual({ kind: 'main', repositories: [5], from: 90 });
  });

  it('reads an old checkpoint as covering every readable repository', () => {
    expect(planPull({ server_version: 70 }, [3, 5])).toEqual({
      kind: 'main',
      repositories: [3, 5],
      from: 70,
    });
    expect(planPull({ server_version: 70 }, null)).toEqual({ kind: 'main', repositories: null, from: 70 });
  });

  it('pulls nothing with nothing kept, and starts over when everything is kept again', () => {
    expect(planPull({ server_version: 70, repositories: [3] }, [])).toEqual({ kind: 'nothing' });
    expect(planPull({ server_version: 70, repositories: [3] }, null)).toEqual({
      kind: 'main',
      repositories: null,
      from: 0,
    });
  });
});
