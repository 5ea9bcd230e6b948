// What `npm start` needs from Electron before it can open the app, said plainly when it is missing:
// Electron's binary (npm installs the electron package, but its binary is a separate download),
// and the native modules that must be rebuilt for Electron's ABI.
//
// Only better-sqlite3 must be rebuilt. ssh2's other native parts are optional and loaded in a
// try/catch, with a pure-JS fallback: its crypto binding (sshcrypto.node) and cpu-features (whose
// install script package.json's allowScripts does not run, so it is never configured: rebuilding
// it is what made `electron-builder install-app-deps` fail with "gyp: buildcheck.gypi not found").
// The rebuild is better-sqlite3's own install script aimed at Electron: a prebuilt binary through
// prebuild-install, else node-gyp from source with Electron's headers. That runs on Node 20
// (@electron/rebuild 4 asks for Node >= 22.12). It is on the path of `npm start` only, never of
// `npm ci` or `npm test`.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const ELECTRON_NATIVE_MODULES = ['better-sqlite3'] as const;

/** Where Electron's headers come from, and where node-gyp keeps them (apart from Node's). */
export const ELECTRON_HEADERS_URL = 'https://www.electronjs.org/headers';
export const ELECTRON_GYP_DIR = join(homedir(), '.electron-gyp');

export interface ElectronTarget {
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

export interface Step {
  what: string;
  command: string;
  args: string[];
  cwd: string;
}

export interface ModuleRebuild {
  module: string;
  dir: string;
  /** Tried in order until one exits 0. */
  tries: Step[];
}

export type ElectronBinary = { path: string } | { problem: string };

/**
 * Electron's binary, found as node_modules/electron/index.js finds it (path.txt, or
 * ELECTRON_OVERRIDE_DIST_PATH), or what is missing and what to do, instead of its
 * "Electron failed to install correctly".
 */
/**
 * Electron's binary for `command` (`npm start`, `npm run dist`: named in what to do), or what is
 * missing and what to do, in place of electron/index.js's bare "Electron failed to install correctly".
 */
export function findElectronBinary(electronDir: string, env: Readonly<Record<string, string | undefined>>, root: string, command = 'npm start'): ElectronBinary {
  const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version;
  const pathFile = join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const shown = relative(root, electronDir) || electronDir;
  const browser =
    'Or use Baton without Electron: `npx baton serve --ws 7420 --ui` and open http://127.0.0.1:7420/ in a browser ' +
    '(the same app; sign in with the token in $BATON_HOME/ws-token).';
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override !== undefined && override !== '') {
    const path = join(override, executable ?? 'electron');
    if (existsSync(path)) return { path };
    return { problem: `ELECTRON_OVERRIDE_DIST_PATH=${override} is set, but there is no Electron binary at ${path}. Point it at the folder of an unpacked Electron ${version}, or unset it.\n${browser}` };
  }
  const download =
    `Download it (it needs network access to Electron's releases, and ELECTRON_SKIP_BINARY_DOWNLOAD unset): \`node ${join(shown, 'install.js')}\`, then \`${command}\` again.`;
  if (executable === null) {
    return {
      problem:
        `${command === 'npm start' ? 'The desktop app' : `\`${command}\``} needs Electron's binary, and ${shown} has none: npm installed the electron package without downloading Electron ${version} ` +
        `(ELECTRON_SKIP_BINARY_DOWNLOAD was set, or there was no network).\n${download}\n${browser}`,
    };
  }
  const path = join(electronDir, 'dist', executable);
  const versionFile = join(electronDir, 'dist', 'version');
  const installed = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim().replace(/^v/, '') : null;
  if (!existsSync(path) || (installed !== null && installed !== version)) {
    return {
      problem:
        `Electron's binary in ${join(shown, 'dist')} is missing or not Electron ${version} (found ${installed ?? 'nothing'}): delete ${join(shown, 'dist')} and ${join(shown, 'path.txt')}.\n${download}\n${browser}`,
    };
  }
  return { path };
}

/** How each native module is rebuilt for `target`: prebuilt download first, then from source. */
export function rebuildPlan(root: string, target: ElectronTarget, gypDir = ELECTRON_GYP_DIR): ModuleRebuild[] {
  const resolve = createRequire(join(root, 'package.json')).resolve;
  return ELECTRON_NATIVE_MODULES.map((module) => {
    const dir = dirname(resolve(`${module}/package.json`));
    const fromModule = createRequire(join(dir, 'package.json')).resolve;
    const electron = ['--runtime=electron', `--target=${target.electronVersion}`, `--arch=${target.arch}`];
    return {
      module,
      dir,
      tries: [
        {
          what: `a prebuilt ${module} for Electron ${target.electronVersion}`,
          command: process.execPath,
          args: [fromModule('prebuild-install/bin.js'), ...electron, `--platform=${target.platform}`],
          cwd: dir,
        },
        {
          what: `${module} from source against Electron ${target.electronVersion}'s headers`,
          command: process.execPath,
          args: [resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', ...electron, `--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${gypDir}`],
          cwd: dir,
        },
      ],
    };
  });
}

// A note beside the built binary saying whom it was built for. The binary's hash is in it: after
// `npm rebuild better-sqlite3` (for Node again) the note no longer matches, and `npm start` rebuilds.
const STAMP = join('build', 'Release', '.baton-electron.json');
const BINARY = join('build', 'Release', 'better_sqlite3.node');

function targetName(target: ElectronTarget): string {
  return `electron-${target.electronVersion}-${target.platform}-${target.arch}`;
}

function binaryHash(dir: string): string | null {
  const file = join(dir, BINARY);
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}

export function isBuiltFor(dir: string, target: ElectronTarget): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8')) as { target?: unknown; sha256?: unknown };
    return stamp.target === targetName(target) && stamp.sha256 === binaryHash(dir);
  } catch {
    return false;
  }
}

export function markBuiltFor(dir: string, target: ElectronTarget): void {
  writeFileSync(join(dir, STAMP), `${JSON.stringify({ target: targetName(target), sha256: binaryHash(dir) })}\n`);
}

/** electron-builder's flags that pick a platform to package for. */
const PLATFORM_FLAGS: Record<string, readonly string[]> = {
  linux: ['--linux', '-l'],
  darwin: ['--mac', '--macos', '-m', '-o'],
  win32: ['--win', '--windows', '-w'],
};

/** electron-builder's arguments ask for an installer of another platform than this one. */
export function forAnotherPlatform(args: readonly string[], platform: NodeJS.Platform): boolean {
  return Object.entries(PLATFORM_FLAGS).some(([p, flags]) => p !== platform && args.some((a) => flags.includes(a)));
}

/**
 * `npm run dist`'s electron-builder run: packaged from the Electron binary found (its folder as
 * electronDist, so electron-builder downloads no second copy of it), with the arguments given.
 * That binary is this platform's: packaging for another one (`--win` on Linux) leaves electronDist
 * out, and electron-builder fetches that platform's Electron itself.
 */
export function distArguments(binary: { path: string } | null, args: readonly string[], platform: NodeJS.Platform): string[] {
  if (binary === null || forAnotherPlatform(args, platform)) return ['--config', 'electron-builder.yml', ...args];
  // the binary's folder; on macOS the binary is inside Electron.app/Contents/MacOS, three levels below it
  const mac = /[/\\]Electron\.app[/\\]Contents[/\\]MacOS[/\\][^/\\]+$/.exec(binary.path);
  const dir = mac !== null ? binary.path.slice(0, mac.index) : dirname(binary.path);
  return ['--config', 'electron-builder.yml', `-c.electronDist=${dir}`, ...args];
}
