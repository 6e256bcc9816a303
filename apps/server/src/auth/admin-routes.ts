// `/api/admin` (admins only): what the admin page manages, and what the CLI does for users,
// tokens, grants and peer tokens. Saved sync targets have their routes under /api/sync.
import { Hono } from 'hono';
import {
  createPeerTokenRequestSchema,
  createTokenRequestSchema,
  createUserRequestSchema,
  deleteGrantRequestSchema,
  ok,
  putGrantRequestSchema,
  updateUserRequestSchema,
} from '@wikisync/shared';
import type { AppEnv } from '../context.js';
import type { Database } from '../db/database.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { readIdParam, readJson } from '../http/validate.js';
import type { SecretBox } from '../instance-sync/peer-auth/secret-box.js';
import {
  createPeerToken,
  listPeerTokens,
  revokePeerToken,
} from '../instance-sync/peer-auth/peer-token-store.js';
import { setPassword } from './sessions.js';
import { listGrants, listTokens, listUsers, updateUser } from './user-admin-store.js';
import { createToken, createUser, grantAccess, revokeAccess, revokeToken } from './user-store.js';

export function adminRoutes(db: Database, box: SecretBox) {
  const requireUser = async (userId: number) => {
    if (!(await listUsers(db)).some((user) => user.id === userId)) throw new NotFoundError(`User ${userId}`);
  };
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      if (!c.get('principal').isAdmin)
        throw new ForbiddenError('Only administrators may manage users, tokens and grants.');
      await next();
    })
    .get('/users', async (c) => c.json(ok(await listUsers(db))))
    .post('/users', async (c) => {
      const input = await readJson(c, createUserRequestSchema);
      const user = await createUser(db, input.name, input.is_admin);
      if (input.password) await setPassword(db, user.id, input.password);
      return c.json(ok((await listUsers(db)).find((each) => each.id === user.id)), 201);
    })
    .patch('/users/:id', async (c) => {
      const id = readIdParam(c);
      const patch = await readJson(c, updateUserRequestSchema);
      if (id === c.get('principal').userId && (patch.disabled === true || patch.is_admin === false))
        throw new ForbiddenError('You cannot disable yourself or take away your own admin rights.');
      return c.json(ok(await updateUser(db, id, patch)));
    })
    .get('/tokens', async (c) => c.json(ok(await listTokens(db))))
    .post('/tokens', async (c) => {
      const input = await readJson(c, createTokenRequestSchema);
      await requireUser(input.user_id);
      const expiresAt = input.days === null ? null : new Date(Date.now() + input.days * 86_400_000);
      return c.json(ok(await createToken(db, input.user_id, { name: input.name, expiresAt })), 201);
    })
    .delete('/tokens/:id', async (c) => {
      const id = readIdParam(c);
      await revokeToken(db, id);
      return c.json(ok({ id, revoked: true }));
    })
    .get('/grants', async (c) => c.json(ok(await listGrants(db))))
    .put('/grants', async (c) => {
      const input = await readJson(c, putGrantRequestSchema);
      await requireUser(input.user_id);
      await grantAccess(db, input.user_id, input.repository_id, input.access);
      return c.json(ok(input));
    })
    .delete('/grants', async (c) => {
      const input = await readJson(c, deleteGrantRequestSchema);
      await revokeAccess(db, input.user_id, input.repository_id);
      return c.json(ok({ ...input, revoked: true }));
    })
    .get('/peer-tokens', async (c) => c.json(ok(await listPeerTokens(db))))
    .post('/peer-tokens', async (c) => {
      const input = await readJson(c, createPeerTokenRequestSchema);
      const created = await createPeerToken(db, box, {
        name: input.name,
        scopes: input.scopes,
        repositoryIds: input.repository_ids,
        signingSecret: input.signing_secret,
      });
      return c.json(ok({ token: created.token, peer_token: created.peerToken }), 201);
    })
    .delete('/peer-tokens/:id', async (c) => {
      const id = readIdParam(c);
      await revokePeerToken(db, id);
      return c.json(ok({ id, revoked: true }));
    });
}
