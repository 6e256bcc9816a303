// Server configuration, read from the environment once at start and validated, so that a
// bad value stops the server with a message naming the variable instead of failing later.
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

const portSchema = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const envSchema = z.object({
  PORT: portSchema.default(3000),
  HOST: z.string().min(1, 'must not be empty').optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  ADMIN_TOKEN: z
    .string()
    .min(1, 'must not be empty when set')
    .regex(/^\S+$/, 'must not contain spaces')
    .optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024')
    .default(16 * 1024 * 1024),
  WEB_DIST_DIR: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export interface Config {
  port: number;
  host: string | undefined;
  /** Real PostgreSQL when set; otherwise the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  maxBodyBytes: number;
  /** The built web app to serve at `/`, if any. */
  webDistDir: string | undefined;
  databasePoolSize: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set": `DATABASE_URL= pnpm start` selects the embedded database.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const secret = name === 'ADMIN_TOKEN' || name === 'DATABASE_URL';
      const got = secret ? '' : ` (got ${JSON.stringify(present[name])})`;
      return `${name} ${issue.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL,
    dataDir: value.DATA_DIR === 'memory://' ? value.DATA_DIR : resolve(value.DATA_DIR),
    adminToken: value.ADMIN_TOKEN,
    maxBodyBytes: value.MAX_BODY_BYTES,
    webDistDir: value.WEB_DIST_DIR,
    databasePoolSize: value.DATABASE_POOL_SIZE,
  };
}
