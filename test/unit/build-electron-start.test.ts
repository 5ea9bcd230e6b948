// `npm start` without Electron's native rebuild of everything: only better-sqlite3 is rebuilt
// (ssh2's native parts are optional), nothing of it is on the path of `npm ci` or `npm test`, and
// a missing Electron binary is said plainly, with what to do, before anything is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distArguments, ELECTRON_NATIVE_MODULES, findElectronBinary, forAnotherPlatform, isBuiltFor, markBuiltFor, rebuildPlan } from '../../build/electron-native.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> };
const TARGET = { electronVersion: '41.7.1', platform: 'linux' as const, arch: 'x64' };

test('the rebuild for Electron is better-sqlite3 only: never cpu-features or ssh2', () => {
  assert.deepEqual([...ELECTRON_NATIVE_MODULES], ['better-sqlite3']);
  const plan = rebuildPlan(ROOT, TARGET, '/tmp/electron-gyp');
  assert.deepEqual(plan.map((m) => m.module), ['better-sqlite3']);
  const better = plan[0]!;
  assert.match(better.dir, /node_modules[/\\]better-sqlite3$/);
  assert.equal(better.tries.length, 2);
  for (const step of better.tries) {
    assert.equal(step.cwd, better.dir, `${step.what}: runs in better-sqlite3's folder only`);
    assert.ok(step.args.includes('--runtime=electron') && step.args.includes('--target=41.7.1') && step.args.includes('--arch=x64'), step.args.join(' '));
    assert.doesNotMatch(step.args.join(' '), /cpu-features|ssh2/);
  }
  assert.match(better.tries[0]!.args[0]!, /prebuild-install[/\\]bin\.js$/);
  assert.match(better.tries[1]!.args[0]!, /node-gyp[/\\]bin[/\\]node-gyp\.js$/);
  assert.ok(better.tries[1]!.args.includes('--dist-url=https://www.electronjs.org/headers'));
  assert.ok(better.tries[1]!.args.includes('--devdir=/tmp/electron-gyp'), "Electron's headers apart from Node's");
});

test('npm start no longer runs electron-builder install-app-deps (it rebuilt every native module)', () => {
  assert.equal(pkg.scripts['start'], 'node build/start.mjs');
  for (const [name, script] of Object.entries(pkg.scripts)) assert.doesNotMatch(script, /install-app-deps|electron-rebuild/, name);
  assert.equal(pkg.allowScripts['cpu-features'], false, 'cpu-features stays unconfigured: nothing may need it built');
});

test('nothing of the Electron rebuild is on the path of npm ci or npm test', () => {
  for (const hook of ['preinstall', 'install', 'postinstall', 'pretest', 'posttest']) assert.equal(pkg.scripts[hook], undefined, hook);
  // npm ci's one step of ours: the `baton` command bundled with esbuild, nothing of Electron's
  assert.equal(pkg.scripts['prepare'], 'node build/build.mjs --cli');
  for (const name of ['test', 'test:unit', 'build', 'typecheck', 'lint']) assert.doesNotMatch(pkg.scripts[name] ?? '', /start|rebuild|electron /, name);
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  assert.doesNotMatch(ci, /npm start|start\.mjs|install-app-deps|electron-rebuild|node-gyp/);
});

function fakeElectron(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-electron-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '41.7.1' }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('Electron\'s binary: found as electron/index.js finds it, or what is missing and what to do', () => {
  const missing = findElectronBinary(fakeElectron(), {}, ROOT);
  assert.ok('problem' in missing);
  assert.match(missing.problem, /needs Electron's binary/);
  assert.match(missing.problem, /without downloading Electron 41\.7\.1/);
  assert.match(missing.problem, /ELECTRON_SKIP_BINARY_DOWNLOAD/);
  assert.match(missing.problem, /install\.js`, then `npm start` again/);
  assert.match(missing.problem, /npx baton serve --ws 7420 --ui/);
  assert.doesNotMatch(missing.problem, /failed to install correctly/);

  const installed = fakeElectron({ 'path.txt': 'electron', 'dist/electron': '', 'dist/version': 'v41.7.1' });
  assert.deepEqual(findElectronBinary(installed, {}, ROOT), { path: join(installed, 'dist', 'electron') });

  const stale = findElectronBinary(fakeElectron({ 'path.txt': 'electron', 'dist/electron': '', 'dist/version': '40.0.0' }), {}, ROOT);
  assert.ok('problem' in stale && /not Electron 41\.7\.1 \(found 40\.0\.0\)/.test(stale.problem));

  const elsewhere = fakeElectron();
  writeFileSync(join(elsewhere, 'electron'), '');
  assert.deepEqual(findElectronBinary(fakeElectron(), { ELECTRON_OVERRIDE_DIST_PATH: elsewhere }, ROOT), { path: join(elsewhere, 'electron') });
  const wrong = findElectronBinary(installed, { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' }, ROOT);
  assert.ok('problem' in wrong && /ELECTRON_OVERRIDE_DIST_PATH=\/nonexistent/.test(wrong.problem));
});

test('a module built for Electron is not rebuilt at every start, and is again once rebuilt for Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-native-'));
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), 'built for electron');
  assert.equal(isBuiltFor(dir, TARGET), false);
  markBuiltFor(dir, TARGET);
  assert.equal(isBuiltFor(dir, TARGET), true);
  assert.equal(isBuiltFor(dir, { ...TARGET, electronVersion: '42.0.0' }), false);
  writeFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), 'built for node by npm rebuild');
  assert.equal(isBuiltFor(dir, TARGET), false);
});

test('npm start with no Electron binary prints what is missing and what to do, and builds nothing', () => {
  // pointed at an empty folder, so that this test never opens the app where Electron is installed
  const empty = mkdtempSync(join(tmpdir(), 'baton-no-electron-'));
  const run = spawnSync(process.execPath, [join(ROOT, 'build', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`npm start: ELECTRON_OVERRIDE_DIST_PATH=${empty} is set, but there is no Electron binary`));
  assert.match(run.stderr, /npx baton serve --ws 7420 --ui/);
  assert.doesNotMatch(run.stderr + run.stdout, /failed to install correctly|built dist|prebuilt|from source/);
});

test('npm run dist checks for Electron\'s binary first too, says so in its own name, and packages that binary', () => {
  const missing = findElectronBinary(fakeElectron(), {}, ROOT, 'npm run dist');
  assert.ok('problem' in missing);
  assert.match(missing.problem, /^`npm run dist` needs Electron's binary/);
  assert.match(missing.problem, /install\.js`, then `npm run dist` again/);
  assert.match(missing.problem, /npx baton serve --ws 7420 --ui/);
  assert.doesNotMatch(missing.problem, /npm start|failed to install correctly/);

  assert.equal(pkg.scripts['dist'], 'node build/dist.mjs');
  assert.deepEqual(distArguments({ path: '/x/node_modules/electron/dist/electron' }, ['--linux', 'deb'], 'linux'), ['--config', 'electron-builder.yml', '-c.electronDist=/x/node_modules/electron/dist', '--linux', 'deb']);
  assert.deepEqual(distArguments({ path: '/x/electron/dist/Electron.app/Contents/MacOS/Electron' }, [], 'darwin'), ['--config', 'electron-builder.yml', '-c.electronDist=/x/electron/dist']);
  // another platform's installer: not from this platform's binary
  assert.deepEqual(distArguments({ path: '/x/node_modules/electron/dist/electron' }, ['--win'], 'linux'), ['--config', 'electron-builder.yml', '--win']);
  assert.deepEqual(distArguments({ path: '/x/node_modules/electron/dist/electron' }, ['-l', '-m'], 'linux'), ['--config', 'electron-builder.yml', '-l', '-m']);
  assert.equal(forAnotherPlatform(['--linux', 'deb'], 'linux'), false);
  assert.equal(forAnotherPlatform([], 'darwin'), false);
  assert.equal(forAnotherPlatform(['--win'], 'linux'), true, 'no local binary needed for it');
  assert.deepEqual(distArguments(null, ['--win'], 'linux'), ['--config', 'electron-builder.yml', '--win']);

  const empty = mkdtempSync(join(tmpdir(), 'baton-no-electron-'));
  const run = spawnSync(process.execPath, [join(ROOT, 'build', 'dist.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`npm run dist: ELECTRON_OVERRIDE_DIST_PATH=${empty} is set, but there is no Electron binary`));
  assert.doesNotMatch(run.stderr + run.stdout, /failed to install correctly|built dist|electron-builder/);
});
