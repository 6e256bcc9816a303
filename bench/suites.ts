import type { Table } from './lib/table.js';
import { concurrentPush } from './concurrent-push.js';
import { feedScale } from './feed-scale.js';
import { instanceSync } from './instance-sync/index.js';
import { replication } from './replication/index.js';

export interface Suite {
  name: string;
  description: string;
  run(options: { quick: boolean }): Promise<Table[]>;
}

export const SUITES: Suite[] = [instanceSync, replication, feedScale, concurrentPush];
