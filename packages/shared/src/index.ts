// The wire contract of wikisync (PROTOCOL.md), shared by server, web app and tests.
export * from './common.js';
export * from './envelope.js';
export * from './error-codes.js';
export * from './protocol-version.js';
export * from './model/repository.js';
export * from './model/task.js';
export * from './model/document.js';
export * from './rest/list-query.js';
export * from './rest/page.js';
export * from './rest/health.js';
