// SYNC_ENDPOINTS (what our sender calls, and how it checks the answers) and the receiver's
// routes are one list: a route missing from the table could not be called with a checked
// answer, and an entry without a route would be a call our own receivers refuse with 404.
import { describe, expect, it } from 'vitest';
import { SYNC_ENDPOINTS } from '@wikisync/shared';
import type { Database } from '../../db/database.js';
import { peerRoutes } from './peer-routes.js';

describe('the /api/sync endpoint table', () => {
  it('names every receiver and source route with its method, and no other', () => {
    // Building the routes reads nothing from the database; no handler runs here.
    const app = peerRoutes({ db: {} as Database, maxBodyBytes: 1024 });
    const routes = app.routes.map((route) => `${route.method} ${route.path}`).sort();
    const table = Object.entries(SYNC_ENDPOINTS)
      .map(([name, endpoint]) => `${endpoint.method} /${name}`)
      .sort();
    expect(routes).toEqual(table);
  });
});
