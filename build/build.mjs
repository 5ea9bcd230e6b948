// `npm run build`: everything the desktop app loads, into dist/. Needs no Electron binary.
//   electron/main.ts    → dist/electron/main.cjs     (esbuild; every npm package stays external:
//   electron/preload.ts → dist/electron/preload.cjs   electron-builder packs node_modules)
//   electron/server/cli → dist/cli/baton.mjs, config.mjs (esbuild, ESM: the `baton` command, see bin/baton.mjs)
//   renderer/           → dist/renderer/             (Vite, see vite.config.ts)
//   build/icon.png      → dist/icon.png              (the window icon at run time)
import { build as esbuild } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// The main bundle is CommonJS (Electron's main entry, `require` of native modules); code written as
// ESM may still read import.meta.url / dirname / filename: point them at the bundle's own file.
const importMetaShim = [
  "const __batonImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
].join('\n');

const shared = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22', // Electron 41 ships Node 24
  sourcemap: true,
  logLevel: 'warning',
  // "Could not resolve" on a TypeScript import written with .js is a bug in the import, not here.
  resolveExtensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'],
};

async function buildMain() {
  await esbuild({
    ...shared,
    entryPoints: { main: 'electron/main.ts' },
    outdir: join(dist, 'electron'),
    outExtension: { '.js': '.cjs' },
    packages: 'external', // electron, better-sqlite3, ssh2 (cpu-features), pino, …: all from node_modules
    banner: { js: importMetaShim },
    define: {
      'import.meta.url': '__batonImportMetaUrl',
      'import.meta.dirname': '__dirname',
      'import.meta.filename': '__filename',
    },
  });
}

// The `baton` command, built so it answers at once (bin/baton.mjs runs it while it is newer than
// the sources it was built from). ESM, every npm package external, as under tsx.
async function buildCli() {
  await esbuild({
    ...shared,
    entryPoints: { baton: 'electron/server/cli/main.ts', config: 'electron/server/cli/config-main.ts' },
    outdir: join(dist, 'cli'),
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // `serve` loads the control plane with import(): its own chunk, never read by a client command
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
  });
}

// A sandboxed preload can require nothing but `electron` (and a few Node built-ins): bundle the rest in.
async function buildPreload() {
  await esbuild({
    ...shared,
    entryPoints: { preload: 'electron/preload.ts' },
    outdir: join(dist, 'electron'),
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
    platform: 'browser',
    target: 'chrome120',
  });
}

async function buildRenderer() {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

const started = Date.now();
// `--cli`: the command only (npm's prepare step runs it after `npm ci`, so `npx baton` is built)
if (process.argv.includes('--cli')) {
  await rm(join(dist, 'cli'), { recursive: true, force: true });
  await buildCli();
  console.log(`built dist/cli/baton.mjs in ${Date.now() - started} ms`);
  process.exit(0);
}
await rm(join(dist, 'electron'), { recursive: true, force: true });
await rm(join(dist, 'cli'), { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await Promise.all([buildMain(), buildPreload(), buildCli(), buildRenderer()]);
await copyFile(join(root, 'build', 'icon.png'), join(dist, 'icon.png'));
console.log(`built dist/electron/main.cjs, dist/electron/preload.cjs, dist/cli/baton.mjs, dist/renderer/ in ${Date.now() - started} ms`);
