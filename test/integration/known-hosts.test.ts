// ~/.ssh/known_hosts against real lab hosts and OpenSSH's own tools: [host]:port entries on the
// lab's second sshd port, hashed and malformed lines, @revoked keys (on add and on reconnect), a
// host whose known key is of another type than the one it shows first, and a stored host without a
// fingerprint (refused on reconnect). Matching is also checked line by line against `ssh-keygen -F`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { hostFieldMatches, parseKnownHosts } from '../../electron/control-plane/hosts/known-hosts.ts';
import type { Host } from '../../shared/api.ts';
import { hostLayout } from '../lab/layout.ts';
import { sshGreets } from '../lab/probes.ts';
import { readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError } from './helpers.ts';

// a port nothing else in the lab uses: a second sshd of host 1 with an ECDSA key beside its ed25519 one
const TWO_KEY_PORT = 2230;

let lab: LabInfo;
let plane: ControlPlane;
let logLines: string[] = [];
const home = mkdtempSync(join(tmpdir(), 'baton-test-home-'));
const userHome = mkdtempSync(join(tmpdir(), 'baton-test-user-'));
const knownHosts = join(userHome, '.ssh', 'known_hosts');
const scratch = mkdtempSync(join(tmpdir(), 'baton-known-hosts-'));

/** A control plane whose warnings are kept, to see what it says about known_hosts. */
async function startPlane(): Promise<ControlPlane> {
  execFileSync('mkdir', ['-p', '-m', '700', join(userHome, '.ssh')]);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return ControlPlane.start({ home, userHome, logger: pino({ level: 'warn' }, sink), localSocket: join(home, 'no-local-engine.sock') });
}

async function restartPlane(): Promise<void> {
  await plane.stop();
  plane = await startPlane();
}

/** `TYPE BASE64` of a host's key as its sshd shows it on that port, read with ssh-keyscan. */
function scanKey(address: string, port: number, type = 'ed25519'): string {
  const out = execFileSync('ssh-keyscan', ['-p', String(port), '-t', type, address], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').find((l) => l && !l.startsWith('#'));
  assert.ok(line, `ssh-keyscan found no ${type} key at ${address}:${port}`);
  return line.split(' ').slice(1, 3).join(' ');
}

/** A fresh key pair made by ssh-keygen: its public `TYPE BASE64` and fingerprint. */
function newKey(name: string, type = 'ed25519'): { file: string; pub: string; fingerprint: string } {
  const file = join(scratch, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const pub = readFileSync(`${file}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  return { file, pub, fingerprint };
}

async function hostState(name: string, done: (h: Host) => boolean, timeoutMs = 20_000): Promise<Host> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = ((await call(plane, 'host.list', {})) as Host[]).find((x) => x.name === name);
    if (h && done(h)) return h;
    if (Date.now() > deadline) assert.fail(`host ${name}: ${h ? `${h.state} ${h.stateReason ?? ''}` : 'missing'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  lab = readLab();
  plane = await startPlane();
});

after(async () => {
  await plane.stop();
});

describe('adding a host on a port other than 22', () => {
  test('a different key under [addr]:2222 is HOST_KEY_CHANGED naming both fingerprints, even with --trust-new-host-key', async () => {
    const h = lab.hosts[0]!;
    const other = newKey('other-ed25519');
    writeFileSync(knownHosts, `[${h.address}]:${h.altSshPort} ${other.pub}\n`);
    const err = await expectError(
      call(plane, 'host.add', { target: `root@${h.address}:${h.altSshPort}`, identityFile: lab.keys.root, trustNewHostKey: true }),
      'HOST_KEY_CHANGED',
      /CHANGED/,
    );
    assert.ok(err.message.includes(other.fingerprint) && err.message.includes(h.hostKeyFingerprint), err.message);
    assert.ok(err.message.includes(`${knownHosts}:1`), 'says where the known key is');
    assert.equal(err.details?.['expected'], other.fingerprint);
    assert.deepEqual(await call(plane, 'host.list', {}), []);
  });

  test('the right key under [addr]:2222, plain or hashed by ssh-keygen -H, is accepted without a prompt; a bad line beside it is skipped and logged', async () => {
    const h = lab.hosts[0]!;
    const port = h.altSshPort;
    for (const hashed of [false, true]) {
      writeFileSync(knownHosts, `[${h.address}]:${port} ${scanKey(h.address, port)}\n`);
      if (hashed) {
        execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' });
        assert.match(readFileSync(knownHosts, 'utf8'), /^\|1\|/);
      }
      writeFileSync(knownHosts, `not-an-entry\n${readFileSync(knownHosts, 'utf8')}`);
      logLines = [];
      const added = (await call(plane, 'host.add', { target: `root@${h.address}:${port}`, name: 'alt-port', identityFile: lab.keys.root })) as Host;
      await call(plane, 'host.remove', { name: 'alt-port' });
      assert.equal(added.state, 'ready');
      assert.equal(added.hostKeyFingerprint, h.hostKeyFingerprint);
      assert.ok(
        logLines.some((l) => l.includes(`known_hosts ${knownHosts}:1: no key after the host names \\"not-an-entry\\"`)),
        `the bad line is logged with file:line, saw:\n${logLines.join('\n')}`,
      );
    }
  });

  test('a @revoked key is refused, naming the file and line, even when pinned', async () => {
    // Baton also remembers this key from the add above: revoked beats that too
    const h = lab.hosts[0]!;
    const port = h.altSshPort;
    const key = scanKey(h.address, port);
    writeFileSync(knownHosts, `[${h.address}]:${port} ${key}\n# keys we no longer trust\n@revoked * ${key}\n`);
    for (const how of [{ hostKey: h.hostKeyFingerprint }, { trustNewHostKey: true }, {}]) {
      const err = await expectError(call(plane, 'host.add', { target: `root@${h.address}:${port}`, identityFile: lab.keys.root, ...how }), 'HOST_KEY_REVOKED', /REVOKED/);
      assert.ok(err.message.includes(`${knownHosts}:3`) && err.message.includes(h.hostKeyFingerprint), err.message);
    }
    assert.deepEqual(await call(plane, 'host.list', {}), []);
  });

  test('a known key of another type (ECDSA) while the host has only ed25519: refused, saying both types and the known fingerprint', async () => {
    const h = lab.hosts[1]!; // one Baton has not met on this port
    const ecdsa = newKey('other-ecdsa', 'ecdsa');
    writeFileSync(knownHosts, `[${h.address}]:${h.altSshPort} ${ecdsa.pub}\n`);
    const err = await expectError(
      call(plane, 'host.add', { target: `root@${h.address}:${h.altSshPort}`, identityFile: lab.keys.root, trustNewHostKey: true }),
      'HOST_KEY_CHANGED',
      /offers only a ssh-ed25519 key .* a key of another type is known for it: ecdsa-sha2-nistp256/,
    );
    assert.ok(err.message.includes(ecdsa.fingerprint) && err.message.includes(h.hostKeyFingerprint), err.message);
    assert.equal(err.details?.['expectedKeyType'], 'ecdsa-sha2-nistp256');
  });
});

describe('a host with keys of two types', () => {
  let sshd: ChildProcess | null = null;
  let ecdsa: { file: string; pub: string; fingerprint: string };

  // the lab host's own sshd config, on another port, with an ECDSA host key added
  async function startTwoKeySshd(h: LabHost): Promise<void> {
    const layout = hostLayout(h.name, h.address, true);
    ecdsa = newKey('ssh_host_ecdsa_key', 'ecdsa');
    const config = readFileSync(layout.sshdConfig, 'utf8')
      .split('\n')
      .filter((l) => !/^(ListenAddress|PidFile)\s/.test(l))
      .concat([`ListenAddress ${h.address}:${TWO_KEY_PORT}`, `HostKey ${ecdsa.file}`, `PidFile ${join(scratch, 'sshd.pid')}`])
      .join('\n');
    const configFile = join(scratch, 'sshd_config');
    writeFileSync(configFile, config + '\n');
    const log = openSync(join(scratch, 'sshd.log'), 'a');
    sshd = spawn('nsenter', [`--net=${layout.netnsFile}`, `--uts=${layout.utsFile}`, '--', '/usr/sbin/sshd', '-D', '-e', '-f', configFile], { stdio: ['ignore', log, log] });
    closeSync(log);
    const deadline = Date.now() + 10_000;
    while (!(await sshGreets(h.address, TWO_KEY_PORT, 500))) {
      if (Date.now() > deadline || sshd.exitCode !== null) assert.fail(`the two-key sshd did not start:\n${readFileSync(join(scratch, 'sshd.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // it also has its ed25519 key, the type ssh2's default order asks for first
    assert.equal(scanKey(h.address, TWO_KEY_PORT, 'ed25519').split(' ')[0], 'ssh-ed25519');
  }

  after(() => {
    if (sshd && sshd.exitCode === null) sshd.kill('SIGTERM');
  });

  test('known by its ECDSA key: asked for that type first, accepted without a prompt, and again on reconnect', async () => {
    const h = lab.hosts[0]!;
    await startTwoKeySshd(h);
    writeFileSync(knownHosts, `[${h.address}]:${TWO_KEY_PORT} ${ecdsa.pub}\n`);
    const added = (await call(plane, 'host.add', { target: `root@${h.address}:${TWO_KEY_PORT}`, name: 'two-keys', identityFile: lab.keys.root })) as Host;
    assert.equal(added.state, 'ready');
    assert.equal(added.hostKeyFingerprint, ecdsa.fingerprint);
    // the reconnect asks for the stored key's type (Baton's own record), known_hosts or not
    writeFileSync(knownHosts, '');
    await restartPlane();
    await hostState('two-keys', (x) => x.state === 'ready' || x.state === 'unreachable');
    const back = await hostState('two-keys', (x) => x.state === 'ready', 3000);
    assert.equal(back.hostKeyFingerprint, ecdsa.fingerprint);
    await call(plane, 'host.remove', { name: 'two-keys' });
  });
});

describe('reconnecting', () => {
  test('a host whose stored fingerprint is missing is refused, saying to add it again; a revoked stored key is refused', async () => {
    const [, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
    writeFileSync(knownHosts, '');
    await call(plane, 'host.add', { target: `root@${h2.address}`, name: 'no-fp', identityFile: lab.keys.root, hostKey: h2.hostKeyFingerprint });
    await call(plane, 'host.add', { target: `root@${h3.address}`, name: 'revoked', identityFile: lab.keys.root, hostKey: h3.hostKeyFingerprint });
    await plane.stop();
    const db = new BetterSqlite3(join(home, 'baton.db'));
    db.prepare('UPDATE hosts SET host_key_fp = NULL WHERE name = ?').run('no-fp');
    db.close();
    writeFileSync(knownHosts, `# revoked after the host was added\n@revoked ${h3.address} ${scanKey(h3.address, 22)}\n`);
    plane = await startPlane();

    const noFp = await hostState('no-fp', (x) => x.state === 'unreachable');
    assert.match(noFp.stateReason ?? '', /no stored host key for no-fp/);
    assert.match(noFp.stateReason ?? '', /baton host rm no-fp, then baton host add/);
    const revoked = await hostState('revoked', (x) => x.state === 'unreachable');
    assert.match(revoked.stateReason ?? '', /REVOKED/);
    assert.ok(revoked.stateReason?.includes(`${knownHosts}:2`), revoked.stateReason ?? '');
    // and they stay refused: the link keeps trying, never with another answer
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await hostState('no-fp', () => true)).state, 'unreachable');
    await call(plane, 'host.remove', { name: 'no-fp' });
    await call(plane, 'host.remove', { name: 'revoked' });
  });
});

describe('matching agrees with OpenSSH', () => {
  test('for each name, the lines ssh-keygen -F finds are the lines Baton matches (patterns, negations, brackets, hashes)', () => {
    const key = newKey('conformance').pub;
    const hash = (name: string) => {
      const salt = randomBytes(20);
      return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
    };
    const hostFields = [
      '10.0.0.5',
      '10.0.0.5,web-1',
      '10.0.0.*,!10.0.0.6',
      '!10.0.0.6,10.0.0.*',
      '!10.0.0.5',
      '[10.0.0.5]:2222',
      '[10.0.0.5]:22',
      '[10.0.0.*]:2222',
      '[10.0.0.?]:22??',
      '*',
      '*.example.com,!bad.example.com',
      'WEB-?',
      'Web-1',
      'web*1',
      '10.0.0.5.',
      hash('10.0.0.5'),
      hash('[10.0.0.5]:2222'),
      hash('web-1'),
      hash('10.0.0.6'),
    ];
    const file = join(scratch, 'conformance_known_hosts');
    writeFileSync(file, hostFields.map((f) => `${f} ${key}`).join('\n') + '\n');
    const parsed = parseKnownHosts(readFileSync(file, 'utf8'));
    assert.equal(parsed.lines.length, hostFields.length);
    const names = ['10.0.0.5', '10.0.0.6', '10.0.0.7', '[10.0.0.5]:2222', '[10.0.0.6]:2222', '[10.0.0.5]:2299', '[10.0.0.5]:22', 'web-1', 'WEB-1', 'web-11', 'a.example.com', 'bad.example.com', '10.0.0.55'];
    for (const name of names) {
      // ssh lowercases the host before it looks it up (ssh-keygen -F hashes the name as given)
      const found = spawnSync('ssh-keygen', ['-F', name.toLowerCase(), '-f', file], { encoding: 'utf8' }).stdout;
      const theirs = [...found.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
      const ours = parsed.lines.filter((l) => hostFieldMatches(l.hosts, name)).map((l) => l.line);
      assert.deepEqual(ours, theirs, `lines matching ${name}`);
    }
  });
});
