import { initialSchema } from './001-initial-schema.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Ordered, append-only: never edit a migration that has shipped, add the next one. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial-schema', sql: initialSchema }];
