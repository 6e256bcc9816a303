// The replication load's own process: told a server and a client count, it starts the
// clients and says so; told "stop", it stops them, answers with what they did and exits.
import { runClients, type Load, type LoadTarget } from './replication-load.js';

let load: Load | undefined;

process.on('message', (message: 'stop' | { server: LoadTarget; clients: number }) => {
  if (message === 'stop') {
    void load
      ?.stop()
      .then((run) => process.send!(run, () => process.exit(0)))
      .catch((error: Error) => process.send!({ error: error.message }, () => process.exit(1)));
    return;
  }
  runClients(message.server, message.clients).then(
    (started) => {
      load = started;
      process.send!({ started: true });
    },
    (error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
  );
});
