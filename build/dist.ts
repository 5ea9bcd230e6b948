// `npm run dist`: the installers. In order, each step saying what it does:
//   1. Electron's binary is there, for this platform's installers (else: what is missing and what
//      to do, and nothing else runs);
//   2. `npm run build` (dist/);
//   3. electron-builder, packaging that binary (electronDist) unless another platform is asked for,
//      with the arguments given.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { distArguments, findElectronBinary, forAnotherPlatform } from './electron-native.ts';

const root = join(import.meta.dirname, '..');
const say = (text: string): void => void process.stderr.write(`${text}\n`);

const installed = join(root, 'node_modules', 'electron');
const require = createRequire(join(root, 'package.json'));
const electronDir = existsSync(join(installed, 'package.json')) ? installed : dirname(require.resolve('electron/package.json'));
const args = process.argv.slice(2);
// another platform's installer is made from that platform's Electron, which electron-builder fetches
const binary = forAnotherPlatform(args, process.platform) ? null : findElectronBinary(electronDir, process.env, root, 'npm run dist');
if (binary !== null && 'problem' in binary) {
  say(`npm run dist: ${binary.problem}`);
  process.exit(1);
}

const build = spawnSync(process.execPath, [join(root, 'build', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const cli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
const packaged = spawnSync(process.execPath, [cli, ...distArguments(binary, args, process.platform)], { cwd: root, stdio: 'inherit' });
process.exit(packaged.status ?? 1);
