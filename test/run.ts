// `npm test`: unit tests, then integration and browser tests against a lab of real hosts (network
// namespaces with their own sshd and dockerd) that this script brings up and takes down.
//   --unit       unit tests only (no root, no lab)
//   --keep-lab   leave the lab up afterwards (for re-running one file by hand)
//   FILTER...    only test files whose path contains one of these words
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const keepLab = args.includes('--keep-lab');
const filters = args.filter((a) => !a.startsWith('--'));

function testFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.test.ts')) out.push(relative(root, path));
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
}

function runNodeTests(files: string[], label: string): boolean {
  if (files.length === 0) return true;
  process.stdout.write(`\n== ${label}: ${files.length} files\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  return result.status === 0;
}

const unit = testFiles('test/unit');
let ok = runNodeTests(unit, 'unit tests');
if (unitOnly) process.exit(ok ? 0 : 1);

const labFiles = [...testFiles('test/lab'), ...testFiles('test/integration'), ...testFiles('test/e2e')];
if (labFiles.length > 0) {
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      '\nThe integration tests need root: they build a lab of real hosts (network namespaces, each with its own sshd and dockerd).\n' +
        'Run `sudo npm test`, or `npm run test:unit` for the unit tests alone. On Debian the lab installs what it needs\n' +
        '(docker.io openssh-server iproute2 iptables haproxy busybox-static chromium fonts-liberation) when run as root.\n',
    );
    process.exit(1);
  }
  const { labUp, labDown } = await import('./lab/lab.ts');
  const started = Date.now();
  // fresh: engines without leftovers of earlier runs (a few seconds; reusing saves little)
  await labUp({ fresh: true });
  process.stdout.write(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  try {
    ok = runNodeTests(labFiles, 'integration and browser tests (lab hosts)') && ok;
  } finally {
    if (!keepLab) await labDown();
  }
}
process.exit(ok ? 0 : 1);
