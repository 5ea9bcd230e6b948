// `npm start`: the desktop app from the sources. In order, each step saying what it does:
//   1. Electron's binary is there (else: what is missing and what to do, and nothing else runs);
//   2. `npm run build` (dist/);
//   3. better-sqlite3 rebuilt for Electron, unless it already is (see electron-native.ts);
//   4. Electron on this folder, with the arguments given (`npm start -- --attach ws://…`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findElectronBinary, isBuiltFor, markBuiltFor, rebuildPlan, type ElectronTarget } from './electron-native.ts';

const root = join(import.meta.dirname, '..');
const say = (text: string): void => void process.stderr.write(`${text}\n`);

// npm puts a direct devDependency there; the resolved path is only a fallback (it may be a symlink's target)
const installed = join(root, 'node_modules', 'electron');
const electronDir = existsSync(join(installed, 'package.json')) ? installed : dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
const binary = findElectronBinary(electronDir, process.env, root);
if ('problem' in binary) {
  say(`npm start: ${binary.problem}`);
  process.exit(1);
}

const build = spawnSync(process.execPath, [join(root, 'build', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const target: ElectronTarget = {
  electronVersion: (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version,
  platform: process.platform,
  arch: process.arch,
};
for (const rebuild of rebuildPlan(root, target)) {
  if (isBuiltFor(rebuild.dir, target)) continue;
  let done = false;
  for (const step of rebuild.tries) {
    say(`npm start: ${step.what}`);
    if (spawnSync(step.command, step.args, { cwd: step.cwd, stdio: 'inherit' }).status === 0) {
      done = true;
      break;
    }
  }
  if (!done) {
    say(
      `npm start: ${rebuild.module} could not be built for Electron ${target.electronVersion}. A prebuilt one needs network access to its releases; ` +
        "building from source needs Electron's headers (network access) and a C++ toolchain (Debian: build-essential python3). " +
        `Node's own build of it may be gone now: \`npm rebuild ${rebuild.module}\` brings it back for \`npm test\` and \`baton serve\`.`,
    );
    process.exit(1);
  }
  markBuiltFor(rebuild.dir, target);
  say(`npm start: ${rebuild.module} is built for Electron ${target.electronVersion}; \`npm rebuild ${rebuild.module}\` before going back to \`npm test\``);
}

const app = spawn(binary.path, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
