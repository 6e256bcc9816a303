// The server's one logger (pino): JSON lines for log collectors, one object per line, and
// readable colored lines when a person watches the terminal (stdout is a TTY). Background work
// that has no request (the change hub, the sync initiator, schedules) logs through
// `processLogger()`, which `main.ts` points at the configured logger at start.
//
// Secrets: nothing here is given a token on purpose, and `redact` censors the usual field
// names anyway, so a future `log.info({ body })` cannot print one. The access log keeps the
// path without its query string for the same reason (request-log.ts).
// Test: test/security/secrets-in-logs.test.ts reads everything two server processes print.
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SECRET_KEYS = ['authorization', 'token', 'password', 'secret', 'signing_secret', 'admin_token'];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** On a terminal: one short line per request ("GET /api/me 200 12.5 ms admin"), the rest as pino-pretty shows it. */
const READABLE = {
  colorize: true,
  sync: true,
  translateTime: 'SYS:HH:MM:ss',
  ignore: 'pid,hostname,app,req_id,method,path,status,duration_ms,user,port,database',
  messageFormat: (line: Record<string, unknown>, messageKey: string) => {
    if (line[messageKey] !== 'request') return String(line[messageKey]);
    const user = (line.user as { name?: string } | undefined)?.name ?? '-';
    return `${String(line.method)} ${String(line.path)} ${String(line.status)} ${String(line.duration_ms)} ms ${user}`;
  },
};

export interface LoggerOptions {
  level: LogLevel;
  /** Readable lines instead of JSON; default: when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream that collects them. */
  destination?: DestinationStream;
}

export function createLogger({
  level,
  pretty: readable = process.stdout.isTTY === true,
  destination,
}: LoggerOptions): Logger {
  const options = {
    level,
    base: { app: 'wikisync' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  // pino-pretty as a stream in this thread, not as a worker transport: the bundled server
  // then needs no module resolution at run time, and lines are not lost on process.exit.
  if (readable && !destination) return pino(options, pretty(READABLE));
  if (destination) return pino(options, destination);
  // Written off the event loop: a synchronous write per line to a pipe was the largest single
  // cost of a small request (bench concurrent-push), and blocks outright while the reader of
  // the pipe lags. pino flushes what is pending when the process exits.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/** Drops everything: in-process tests create many apps and must not flood their output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

let current: Logger | undefined;

/** The logger of work that belongs to no request. */
export function processLogger(): Logger {
  const wanted = process.env.LOG_LEVEL as LogLevel | undefined;
  current ??= createLogger({ level: wanted && LOG_LEVELS.includes(wanted) ? wanted : 'info' });
  return current;
}

export function setProcessLogger(logger: Logger): void {
  current = logger;
}
