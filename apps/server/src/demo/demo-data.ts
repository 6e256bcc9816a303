// Demo data for a first start: a few repositories, each with tasks and the markdown
// documents they wrote, so the UI has something to show before any sync.
import { documentCreateSchema, repositoryCreateSchema, taskCreateSchema } from '@wikisync/shared';
import type { Database } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { createRepository } from '../repositories/repository-store.js';
import { createTask, updateTask } from '../tasks/task-store.js';
import { createDocument } from '../documents/document-store.js';
import { createToken, createUser, findUser, grantAccess } from '../auth/user-store.js';
import { NotFoundError } from '../errors.js';

interface DemoRepository {
  name: string;
  url: string;
  description: string;
  pages: { title: string; writer: string; type: string; body: string }[];
}

const DEMO: DemoRepository[] = [
  {
    name: 'hono',
    url: 'https://github.com/honojs/hono',
    description: 'Web framework built on Web Standards',
    pages: [
      {
        title: 'Overview',
        writer: 'overview-writer',
        type: 'overview',
        body: 'Hono is a small web framework that runs on any JavaScript runtime.\n\n## Highlights\n\n- Router based on a trie, with `app.get()`, `app.post()` and friends\n- Middleware as `(c, next) => Promise<void>`\n- Helpers for JSON, streaming and Server-Sent Events\n',
      },
      {
        title: 'Routing',
        writer: 'module-writer',
        type: 'module',
        body: 'Routes are registered on an app or a sub-app and mounted with `app.route()`.\n\n```ts\nconst api = new Hono()\napi.get("/health", (c) => c.json({ ok: true }))\napp.route("/api", api)\n```\n',
      },
      {
        title: 'Middleware',
        writer: 'module-writer',
        type: 'module',
        body: 'Each middleware is a function of `(options) => MiddlewareHandler`.\n\n| middleware | purpose |\n|---|---|\n| `bodyLimit` | refuses large bodies with 413 |\n| `cors` | cross-origin headers |\n',
      },
    ],
  },
  {
    name: 'rxdb',
    url: 'https://github.com/pubkey/rxdb',
    description: 'Local-first database for JavaScript applications',
    pages: [
      {
        title: 'Overview',
        writer: 'overview-writer',
        type: 'overview',
        body: 'RxDB keeps data in the browser and replicates it with a backend.\n\n## Replication\n\nThe protocol pulls changes since a **checkpoint**, pushes writes with their assumed master state, and resolves conflicts on the client.\n',
      },
      {
        title: 'Conflict handling',
        writer: 'module-writer',
        type: 'module',
        body: 'A conflict happens when the server row no longer equals the assumed master state.\n\n1. The server answers with its current document.\n2. The client conflict handler decides.\n3. The result is written locally and pushed again.\n',
      },
    ],
  },
  {
    name: 'postgres',
    url: 'https://github.com/postgres/postgres',
    description: 'The PostgreSQL database server',
    pages: [
      {
        title: 'Overview',
        writer: 'overview-writer',
        type: 'overview',
        body: 'PostgreSQL is an object-relational database system.\n\n> Every transaction sees a snapshot of the data as of its start.\n',
      },
      {
        title: 'LISTEN and NOTIFY',
        writer: 'module-writer',
        type: 'module',
        body: '`NOTIFY channel, payload` delivers a message to every session that ran `LISTEN channel`, **after** the sending transaction commits.\n',
      },
      {
        title: 'Advisory locks',
        writer: 'module-writer',
        type: 'module',
        body: '`pg_advisory_xact_lock(key)` takes a lock that is released at the end of the transaction.\n',
      },
    ],
  },
];

export const DEMO_USER = 'demo';

export async function hasAnyRepository(db: Database): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM repositories LIMIT 1');
  return rows.length > 0;
}

export interface DemoLoaded {
  repositories: number;
  documents: number;
  /** A token for the `demo` user, who may write every demo repository. Shown once. */
  demoToken: string;
}

export async function loadDemoData(db: Database, admin: Principal): Promise<DemoLoaded> {
  let documents = 0;
  const demoUser = await findUser(db, DEMO_USER).catch((error: unknown) => {
    if (error instanceof NotFoundError) return createUser(db, DEMO_USER);
    throw error;
  });
  for (const demo of DEMO) {
    // Through the create schemas, as a REST request would be: they fill in the defaults.
    const repository = await createRepository(
      db,
      admin,
      repositoryCreateSchema.parse({
        name: demo.name,
        url: demo.url,
        description: demo.description,
        status: 'completed',
        metadata: { demo: true },
      }),
    );
    await grantAccess(db, demoUser.id, repository.id, 'write');
    // Each page waits for the one before it, as a real writer's tasks do (run_after).
    let previousTaskId: number | null = null;
    for (const [index, page] of demo.pages.entries()) {
      const now = new Date().toISOString();
      const task = await createTask(
        db,
        admin,
        taskCreateSchema.parse({
          repository_id: repository.id,
          writer_name: page.writer,
          task_type: page.type,
          title: page.title,
          outline: `Write the "${page.title}" page of ${demo.name}.`,
          status: 'succeeded',
          run_after_id: previousTaskId,
          sort_order: index,
          started_at: now,
          completed_at: now,
        }),
      );
      const document = await createDocument(
        db,
        admin,
        documentCreateSchema.parse({
          repository_id: repository.id,
          task_id: task.id,
          title: page.title,
          filename: `${page.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.md`,
          content: `# ${page.title}\n\n${page.body}`,
          language: 'en',
          sort_order: index,
        }),
      );
      await updateTask(db, admin, task.id, { doc_id: document.id });
      previousTaskId = task.id;
      documents++;
    }
  }
  const token = await createToken(db, demoUser.id, { name: 'demo' });
  return { repositories: DEMO.length, documents, demoToken: token.token };
}
