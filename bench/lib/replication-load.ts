// The load suite's traffic, for benchmarks that measure something else beside it: many
// replication clients against one server process, each holding the change stream open and
// looping push one new task → pull what is new → pause 0–50 ms, until stopped. They run in a
// process of their own (load-process.ts), as the load suite does beside the bench: in the
// bench process, parsing their pages would delay the very status reads being timed.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repositoryDoc, taskDoc } from '../../packages/shared/src/testing/replicated-docs.js';

export interface LoadTarget {
  url: string;
  adminToken: string;
}

const PAUSE_MS = 50;

export interface LoadRun {
  pushes: number;
  pulls: number;
  streamEvents: number;
  errors: string[];
}

export interface Load {
  /** Stops every client and resolves when all have finished; later calls give the same run. */
  stop(): Promise<LoadRun>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the clients in this process; see `startReplicationLoad` for the usual way. */
export async function runClients(server: LoadTarget, clients: number): Promise<Load> {
  const repository = repositoryDoc({ name: 'under-load' });
  const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/api/v1/sync/push`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      collection: 'repositories',
      rows: [{ assumed_master_state: null, new_document_state: repository }],
    }),
  });
  if (!created.ok) throw new Error(`the load's repository was refused: ${created.status}`);
  const run: LoadRun = { pushes: 0, pulls: 0, streamEvents: 0, errors: [] };
  const stopping = new AbortController();

  async function stream() {
    try {
      const response = await fetch(`${server.url}/api/v1/sync/stream`, { headers, signal: stopping.signal });
      if (!response.ok) return void run.errors.push(`stream ${response.status}`);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        run.streamEvents += value.split('event: change').length - 1;
      }
    } catch (error) {
      if (!stopping.signal.aborted) run.errors.push(`stream ${(error as Error).message}`);
    }
  }

  async function client(index: number) {
    let checkpoint = 0;
    for (let n = 0; !stopping.signal.aborted; n++) {
      try {
        const task = taskDoc(repository.uid, { title: `load client ${index} write ${n}` });
        const pushed = await fetch(`${server.url}/api/v1/sync/push`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            collection: 'tasks',
            rows: [{ assumed_master_state: null, new_document_state: task }],
          }),
        });
        if (!pushed.ok) run.errors.push(`push ${pushed.status}`);
        else run.pushes++;
        await pushed.arrayBuffer();
        const page = await fetch(
          `${server.url}/api/v1/sync/changes?collection=tasks&checkpoint=${checkpoint}&limit=500`,
          { headers },
        );
        const body = (await page.json()) as { data?: { checkpoint: { server_version: number } } };
        if (!page.ok || !body.data) run.errors.push(`changes ${page.status}`);
        else {
          checkpoint = body.data.checkpoint.server_version;
          run.pulls++;
        }
      } catch (error) {
        run.errors.push((error as Error).message);
      }
      await pause(Math.random() * PAUSE_MS);
    }
  }

  const streams = Array.from({ length: clients }, () => stream());
  const loops = Array.from({ length: clients }, (_, index) => client(index));
  let stopped: Promise<LoadRun> | undefined;
  return {
    stop() {
      stopping.abort();
      return (stopped ??= Promise.all([...loops, ...streams]).then(() => run));
    },
  };
}

/** Starts the clients in a child process; resolves once they run. */
export async function startReplicationLoad(server: LoadTarget, clients: number): Promise<Load> {
  const child = fork(fileURLToPath(new URL('./load-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answer = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('exit', (code) => reject(new Error(`the load process exited (${code})`)));
    });
  const started = answer<{ started?: true; error?: string }>();
  child.send({ server: { url: server.url, adminToken: server.adminToken }, clients });
  const first = await started;
  if (first.error) throw new Error(first.error);
  let stopped: Promise<LoadRun> | undefined;
  return {
    stop() {
      if (!stopped) {
        stopped = answer<LoadRun>();
        child.send('stop');
      }
      return stopped;
    },
  };
}
