// One control plane per home: the second is refused before it opens the state file or reaches a
// host, whether the first is in this process or another, and a killed holder leaves no lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { silentLogger } from '../../electron/control-plane/log.ts';
import { lockHome } from '../../electron/control-plane/store/home-lock.ts';
import { BatonError } from '../../shared/errors.ts';

const HOLDER = `
import { lockHome } from ${JSON.stringify(new URL('../../electron/control-plane/store/home-lock.ts', import.meta.url).href)};
lockHome(process.argv[1]);
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;

function holdInChild(home: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HOLDER, home], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => d.includes('locked') && resolve(child));
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
  });
}

test('a second control plane on a home held by another process is refused before it opens anything', async () => {
  const home = mkdtempSync(join(tmpdir(), 'baton-lock-'));
  const child = await holdInChild(home);
  try {
    await assert.rejects(ControlPlane.start({ home, userHome: home, logger: silentLogger(), metrics: false }), (err: BatonError) => {
      assert.equal(err.code, 'ALREADY_EXISTS');
      assert.match(err.message, new RegExp(`running on ${home} \\(pid ${child.pid}, since `));
      assert.match(err.hint ?? '', /--home or BATON_HOME/);
      return true;
    });
    assert.ok(!existsSync(join(home, 'baton.db')), 'the state file was not opened');
    assert.ok(!existsSync(join(home, 'data.key')), 'no data key was made');
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  // the kernel released the killed holder's lock: no stale lock to clear by hand
  const plane = await ControlPlane.start({ home, userHome: home, logger: silentLogger(), metrics: false });
  try {
    assert.throws(() => lockHome(home), /Another Baton control plane is running/, 'held by the running plane, in this process too');
  } finally {
    await plane.stop();
  }
  lockHome(home).release(); // stop() released it
});
