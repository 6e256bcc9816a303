// Builds the web app a second time as "the next release": the same sources with one module
// swapped for a variant (a Vite alias given to this build only), into a temporary folder. The
// production build is untouched and holds no trace of the variant. A build takes 30–60 s, so
// a test file builds once, in its beforeAll.
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../../apps/web/', import.meta.url));
export const BUILT_WEB_DIST = join(WEB_DIR, 'dist');

/**
 * Builds the app with every `./<module>` import inside `apps/web/src/sync` answered by
 * `variant` instead; returns the output folder.
 */
export async function buildAppWithVariant(module: string, variant: string): Promise<string> {
  // Vite is the web app's dependency; load it from there.
  const vitePath = createRequire(join(WEB_DIR, 'package.json')).resolve('vite');
  const { build } = (await import(pathToFileURL(vitePath).href)) as {
    build(config: Record<string, unknown>): Promise<unknown>;
  };
  const outDir = mkdtempSync(join(tmpdir(), 'wikisync-next-app-'));
  await build({
    root: WEB_DIR,
    configFile: join(WEB_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    resolve: {
      alias: [{ find: new RegExp(`^\\./${module}$`), replacement: variant }],
    },
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}
