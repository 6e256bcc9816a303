import { defineConfig } from 'tsup';

// The server ships as two bundled entry files; the shared contract is bundled in because
// it is published as TypeScript source inside the workspace.
export default defineConfig({
  // `cli` keeps its built name, dist/cli.js: the `wikisync` bin and `npm start` run it.
  entry: { main: 'src/main.ts', cli: 'src/cli/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: ['@wikisync/shared'],
  banner: { js: '#!/usr/bin/env node' },
});
