// Instance sync (PROTOCOL.md §2): one wire message per file.
export * from './headers.js';
export * from './wire-fields.js';
export * from './ping.js';
export * from './repository-upsert.js';
export * from './repository-clear.js';
export * from './task-create.js';
export * from './document-create.js';
export * from './task-update-docid.js';
export * from './batch-upsert.js';
export * from './repository-list.js';
export * from './document-list.js';
export * from './pull-export.js';
export * from './sync-start.js';
export * from './sync-status.js';
export * from './sync-session.js';
export * from './sync-target.js';
export * from './sync-schedule.js';
