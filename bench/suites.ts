import type { Suite } from './lib/suite.js';
import { conflictDiff } from './conflict-diff/index.js';
import { concurrentPush } from './concurrent-push.js';
import { feedScale } from './feed-scale.js';
import { firstRender } from './first-render.js';
import { idleMemory } from './idle-memory.js';
import { instanceSync } from './instance-sync/index.js';
import { instanceSyncUnderLoad } from './instance-sync/under-load.js';
import { replication } from './replication/index.js';
import { selectiveSync } from './replication/selective-sync.js';

export const SUITES: Suite[] = [
  instanceSync,
  instanceSyncUnderLoad,
  replication,
  selectiveSync,
  feedScale,
  conflictDiff,
  concurrentPush,
  idleMemory,
  firstRender,
];
