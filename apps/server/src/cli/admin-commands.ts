// The admin commands of `wikisync`: migrations, users, tokens, grants and demo data. Each
// works on the configured database directly, so an operator can bootstrap a server that no
// one can sign in to yet. Dispatch and error printing are in index.ts.
import { parseArgs } from 'node:util';
import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import {
  createToken,
  createUser,
  ensureBootstrapAdmin,
  findUser,
  grantAccess,
  revokeAccess,
  revokeToken,
} from '../auth/user-store.js';
import { setPassword } from '../auth/sessions.js';
import { updateUser } from '../auth/user-admin-store.js';
import { hasAnyRepository, loadDemoData } from '../demo/demo-data.js';
import { readNewPassword } from './read-password.js';
import { positiveId, required, runAction, UsageError } from './arguments.js';

export const ADMIN_USAGE = `Commands:
  migrate                                   apply database migrations
  user create <name> [--admin]              create a user
  user password <name>                      set a user's password (prompted, or piped on stdin)
  user disable|enable <name>                refuse or accept again every token of a user
  token create <user> [--name N] [--days D] create a bearer token (printed once)
  token revoke <token-id>                   revoke a token at once
  grant <user> <repository-id> <read|write> give a user access to a repository
  revoke-grant <user> <repository-id>       take that access away
  seed [--if-empty]                         load demo repositories, tasks and documents

The database comes from DATABASE_URL, or the embedded one in DATA_DIR (default apps/server/data),
which one process opens at a time: stop the server before running these on it.`;

/** Runs an admin command; anything that is not one is a UsageError (sync commands go elsewhere). */
export async function runAdminCommand(db: Database, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      admin: { type: 'boolean', default: false },
      name: { type: 'string' },
      days: { type: 'string' },
      'if-empty': { type: 'boolean', default: false },
    },
  });
  const [command, sub, ...rest] = positionals;
  switch (command) {
    case 'migrate': {
      const result = await migrate(db);
      console.log(result.applied.length ? `applied ${result.applied.join(', ')}` : 'database is up to date');
      return;
    }
    case 'user':
      return runAction(
        sub,
        {
          create: async () => {
            const user = await createUser(db, required(rest[0], 'user name'), values.admin);
            console.log(`created user ${user.name} (id ${user.id}${user.is_admin ? ', admin' : ''})`);
          },
          password: async () => {
            const user = await findUser(db, required(rest[0], 'user name'));
            await setPassword(db, user.id, await readNewPassword(user.name));
            console.log(`password of ${user.name} set; their earlier sign-ins are ended`);
          },
          disable: async () => {
            const user = await findUser(db, required(rest[0], 'user name'));
            await updateUser(db, user.id, { disabled: true });
            console.log(`${user.name} is disabled: none of their tokens is accepted`);
          },
          enable: async () => {
            const user = await findUser(db, required(rest[0], 'user name'));
            await updateUser(db, user.id, { disabled: false });
            console.log(`${user.name} is enabled`);
          },
        },
        '"user create|password|disable|enable <name>"',
      );
    case 'token':
      return runAction(
        sub,
        {
          create: async () => {
            const user = await findUser(db, required(rest[0], 'user name'));
            const days = values.days === undefined ? null : Number(values.days);
            if (days !== null && !(days > 0)) throw new UsageError('--days must be a positive number');
            const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
            const created = await createToken(db, user.id, { name: values.name, expiresAt });
            console.log(created.token);
            console.error(
              `token ${created.id} for ${user.name}${created.expires_at ? `, expires ${created.expires_at}` : ''}; it is shown only once`,
            );
          },
          revoke: async () => {
            await revokeToken(db, positiveId(rest[0], 'token id'));
            console.log('token revoked');
          },
        },
        '"token create <user>" or "token revoke <id>"',
      );
    case 'grant': {
      const user = await findUser(db, required(sub, 'user name'));
      const repositoryId = positiveId(rest[0], 'repository id');
      const access = rest[1];
      if (access !== 'read' && access !== 'write') throw new UsageError('access must be "read" or "write"');
      await grantAccess(db, user.id, repositoryId, access);
      console.log(`${user.name} may now ${access} repository ${repositoryId}`);
      return;
    }
    case 'revoke-grant': {
      const user = await findUser(db, required(sub, 'user name'));
      await revokeAccess(db, user.id, positiveId(rest[0], 'repository id'));
      console.log('grant removed');
      return;
    }
    case 'seed': {
      if (values['if-empty'] && (await hasAnyRepository(db))) {
        console.log('demo data skipped: the database already has repositories');
        return;
      }
      const admin = await ensureBootstrapAdmin(db);
      const loaded = await loadDemoData(db, admin);
      console.log(`loaded ${loaded.repositories} demo repositories with ${loaded.documents} documents`);
      console.log(`sign in to the web app with this demo token (shown once): ${loaded.demoToken}`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}
