import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, defaultDataDir, loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('loadConfig', () => {
  it('defaults to port 3000 and the embedded database in ./data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/[/\\]data$/);
  });

  it('keeps the embedded database in apps/server/data unless told, and takes relative paths from where the command ran', () => {
    expect(loadConfig({}).dataDir).toBe(defaultDataDir());
    expect(defaultDataDir()).toMatch(/apps[/\\]server[/\\]data$/);
    // npm and pnpm run scripts inside the package; INIT_CWD is where the person typed it.
    expect(loadConfig({ DATA_DIR: 'wiki-data', INIT_CWD: '/srv/wiki' }).dataDir).toBe('/srv/wiki/wiki-data');
    // The launcher's record wins: pnpm overwrites INIT_CWD with its own folder.
    expect(
      loadConfig({
        DATA_DIR: './apps/server/data',
        INIT_CWD: '/repo/apps/server',
        WIKISYNC_START_DIR: '/repo',
      }).dataDir,
    ).toBe('/repo/apps/server/data');
    expect(loadConfig({ DATA_DIR: '/var/lib/wikisync', INIT_CWD: '/srv/wiki' }).dataDir).toBe(
      '/var/lib/wikisync',
    );
    expect(loadConfig({ WEB_DIST_DIR: 'web', INIT_CWD: '/srv/wiki' }).webDistDir).toBe('/srv/wiki/web');
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '4123',
      DATABASE_URL: 'postgres://app@127.0.0.1:5432/wiki',
      DATA_DIR: 'memory://',
      ADMIN_TOKEN: 't',
    });
    expect(config).toMatchObject({
      port: 4123,
      databaseUrl: 'postgres://app@127.0.0.1:5432/wiki',
      dataDir: 'memory://',
      adminToken: 't',
    });
  });

  it('keys on the socket address and caps streams unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      trustProxy: false,
      maxStreamsPerUser: 16,
      maxStreams: 1000,
      conflictLogRetentionDays: 90,
    });
    expect(
      loadConfig({
        TRUST_PROXY: 'on',
        DATABASE_PREPARED_STATEMENTS: 'off',
        MAX_STREAMS_PER_USER: '4',
        MAX_STREAMS: '50',
        CONFLICT_LOG_RETENTION_DAYS: '7',
        OFFLINE_ALL_UP_TO: '5',
      }),
    ).toMatchObject({
      trustProxy: true,
      databasePreparedStatements: false,
      maxStreamsPerUser: 4,
      maxStreams: 50,
      conflictLogRetentionDays: 7,
      offlineAllUpTo: 5,
    });
    expect(loadConfig({}).offlineAllUpTo).toBe(20);
  });

  it('logs at info and serves metrics only on the main port unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ logLevel: 'info', metricsPort: undefined });
    expect(loadConfig({ LOG_LEVEL: 'warn', METRICS_PORT: '9464' })).toMatchObject({
      logLevel: 'warn',
      metricsPort: 9464,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a number \(got "abc"\)/],
    [{ PORT: '70000' }, /PORT must be between 1 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ ADMIN_TOKEN: 'has space' }, /ADMIN_TOKEN must not contain spaces/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY must be "on" or "off" \(got "yes"\)/],
    [{ DATABASE_PREPARED_STATEMENTS: 'no' }, /DATABASE_PREPARED_STATEMENTS must be "on" or "off"/],
    [{ MAX_STREAMS_PER_USER: '0' }, /MAX_STREAMS_PER_USER must be at least 1/],
    [{ OFFLINE_ALL_UP_TO: '-1' }, /OFFLINE_ALL_UP_TO must be 0 or more/],
    [{ OFFLINE_ALL_UP_TO: 'many' }, /OFFLINE_ALL_UP_TO must be a number/],
    [{ CONFLICT_LOG_RETENTION_DAYS: '-1' }, /CONFLICT_LOG_RETENTION_DAYS must be more than 0/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    [{ METRICS_PORT: '0' }, /METRICS_PORT must be between 1 and 65535/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret in its message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:secret@host' })).toThrow(/^(?!.*secret).*$/);
  });

  it('.env.example lists every variable, each with the default the server really uses', () => {
    const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const example = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
