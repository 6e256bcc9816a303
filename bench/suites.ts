import type { Table } from './lib/table.js';
import { feedScale } from './feed-scale.js';

export interface Suite {
  name: string;
  description: string;
  run(options: { quick: boolean }): Promise<Table[]>;
}

export const SUITES: Suite[] = [feedScale];
