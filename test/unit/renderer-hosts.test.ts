// The add-host wizard's logic (what it asks `host.add`, how answers map back onto the form) and
// the hosts table's reservation figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, SshConfigHost } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import {
  addHostParams,
  defaultHostName,
  describeAddress,
  EMPTY_FORM,
  fieldOfError,
  fillFromSshConfig,
  formProblems,
  hostKeyCheckCommand,
  matchingSshConfigHosts,
  parseLabels,
  unknownHostKey,
} from '../../renderer/src/views/hosts/add-host-form.ts';
import { formatCpus, hostReservation } from '../../renderer/src/views/hosts/reservation.ts';
import { meterTone } from '../../renderer/src/ui/Meter.tsx';

const FINGERPRINT = 'SHA256:' + 'a'.repeat(43);

test('a key-file form asks host.add without trusting any key, and pins the one confirmed', () => {
  const form = { ...EMPTY_FORM, address: ' root@10.213.0.11 ', keyFile: '/var/lib/baton-lab/keys/id_root', name: 'lab-1', labels: 'zone=a, disk=ssd' };
  const first = addHostParams(form);
  assert.deepEqual(first, { target: 'root@10.213.0.11', name: 'lab-1', labels: { zone: 'a', disk: 'ssd' }, identityFile: '/var/lib/baton-lab/keys/id_root' });
  assert.equal('trustNewHostKey' in first, false);
  const second = addHostParams(form, FINGERPRINT);
  assert.equal(second.hostKey, FINGERPRINT);
  assert.equal('trustNewHostKey' in second, false);
});

test('a passphrase is sent only when typed; the agent sends its socket and no key', () => {
  const keyed = addHostParams({ ...EMPTY_FORM, address: 'web-1', passphrase: 'secret words' });
  assert.equal(keyed.passphrase, 'secret words');
  assert.equal(keyed.identityFile, undefined); // empty: the control plane picks the alias's or the default key
  const agent = addHostParams({ ...EMPTY_FORM, address: 'web-1', auth: 'agent', agentSocket: '/run/user/1000/agent.sock', keyFile: '/k', passphrase: 'x' });
  assert.deepEqual(agent, { target: 'web-1', agentSocket: '/run/user/1000/agent.sock' });
});

test('a local socket needs no sign-in: no key, no agent, no host key', () => {
  const params = addHostParams({ ...EMPTY_FORM, address: 'unix:///var/run/docker.sock', keyFile: '/k', passphrase: 'p' }, FINGERPRINT);
  assert.deepEqual(params, { target: 'unix:///var/run/docker.sock' });
});

test('the form says what is missing or malformed before anything is dialled', () => {
  assert.match(formProblems(EMPTY_FORM).address ?? '', /where the host is/);
  assert.match(formProblems({ ...EMPTY_FORM, address: 'root@a b' }).address ?? '', /no spaces/);
  assert.match(formProblems({ ...EMPTY_FORM, address: 'unix://docker.sock' }).address ?? '', /absolute path/);
  assert.match(formProblems({ ...EMPTY_FORM, address: 'h', name: '-bad' }).name ?? '', /1-63/);
  assert.match(formProblems({ ...EMPTY_FORM, address: 'h', labels: 'zone' }).labels ?? '', /key=value/);
  assert.match(formProblems({ ...EMPTY_FORM, address: 'h', auth: 'agent' }).agentSocket ?? '', /SSH_AUTH_SOCK/);
  assert.deepEqual(formProblems({ ...EMPTY_FORM, address: 'unix:///run/docker.sock', auth: 'agent' }), {});
  assert.deepEqual(formProblems({ ...EMPTY_FORM, address: 'deploy@[fe80::1]:2222', name: 'edge.1', labels: 'a=1\nb=' }), {});
});

test('labels parse as key=value pairs separated by spaces, commas or lines', () => {
  assert.deepEqual(parseLabels('zone=eu-1, disk=ssd\ngpu='), { labels: { zone: 'eu-1', disk: 'ssd', gpu: '' } });
  assert.deepEqual(parseLabels(''), { labels: {} });
  assert.ok('problem' in parseLabels('=x'));
});

test('an ~/.ssh/config alias fills the address and its key; suggestions follow what is typed', () => {
  const entries: SshConfigHost[] = [
    { alias: 'web-1', hostName: '10.0.0.7', user: 'deploy', port: 2222, identityFile: '/home/me/.ssh/web' },
    { alias: 'db', hostName: 'db.internal', user: null, port: null, identityFile: null },
  ];
  const filled = fillFromSshConfig({ ...EMPTY_FORM, auth: 'agent', name: 'kept' }, entries[0]!);
  assert.equal(filled.address, 'web-1');
  assert.equal(filled.keyFile, '/home/me/.ssh/web');
  assert.equal(filled.auth, 'key');
  assert.equal(filled.name, 'kept');
  assert.equal(fillFromSshConfig({ ...EMPTY_FORM, auth: 'agent' }, entries[1]!).auth, 'agent');
  assert.deepEqual(matchingSshConfigHosts(entries, '').map((e) => e.alias), ['web-1', 'db']);
  assert.deepEqual(matchingSshConfigHosts(entries, 'internal').map((e) => e.alias), ['db']);
  assert.deepEqual(matchingSshConfigHosts(entries, 'web-1').map((e) => e.alias), []); // already chosen
  assert.equal(describeAddress('web-1', entries), 'Alias from ~/.ssh/config: deploy@10.0.0.7:2222.');
  assert.equal(describeAddress('root@10.0.0.5:2200', entries), 'SSH to 10.0.0.5, port 2200 as root.');
  assert.match(describeAddress('unix:///var/run/docker.sock', entries) ?? '', /\/var\/run\/docker\.sock/);
});

test('the default name is the alias or address, "local" for a socket', () => {
  assert.equal(defaultHostName('root@10.0.0.5:22'), '10.0.0.5');
  assert.equal(defaultHostName('web-1'), 'web-1');
  assert.equal(defaultHostName('unix:///var/run/docker.sock'), 'local');
  assert.equal(defaultHostName('root@[::1]:22'), '1'); // as the control plane cleans it
  assert.equal(defaultHostName('root@'), '');
});

test('HOST_KEY_UNKNOWN gives the key to confirm and the command that checks it on the host', () => {
  const error = new BatonError('HOST_KEY_UNKNOWN', '10.213.0.11:22 is new to this machine…', {
    endpoint: '10.213.0.11:22',
    keyType: 'ssh-ed25519',
    fingerprint: FINGERPRINT,
  });
  assert.deepEqual(unknownHostKey(error), { endpoint: '10.213.0.11:22', keyType: 'ssh-ed25519', fingerprint: FINGERPRINT });
  assert.equal(unknownHostKey(new BatonError('HOST_KEY_CHANGED', 'changed', { fingerprint: FINGERPRINT })), null);
  assert.equal(unknownHostKey(new BatonError('HOST_KEY_UNKNOWN', 'x', { fingerprint: 'MD5:aa' })), null);
  assert.equal(hostKeyCheckCommand('ssh-ed25519'), 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
  assert.equal(hostKeyCheckCommand('ecdsa-sha2-nistp256'), 'ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub');
  assert.equal(hostKeyCheckCommand('rsa-sha2-512'), 'ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
  assert.equal(hostKeyCheckCommand('ssh-rsa'), 'ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
});

test('an error points at the field it is about', () => {
  assert.equal(fieldOfError(new BatonError('KEY_PASSPHRASE', 'encrypted', { identityFile: '/k' })), 'passphrase');
  assert.equal(fieldOfError(new BatonError('KEY_UNREADABLE', 'missing', { identityFile: '/k' })), 'keyFile');
  assert.equal(fieldOfError(new BatonError('HOST_UNREACHABLE', 'refused')), 'address');
  assert.equal(fieldOfError(new BatonError('AUTH_FAILED', 'refused the login')), null);
  assert.equal(fieldOfError(new BatonError('AUTH_FAILED', 'no way to log in', { field: 'identityFile' })), 'keyFile');
  assert.equal(fieldOfError(new BatonError('INVALID_INPUT', 'not a host', { field: 'target' })), 'address');
  assert.equal(fieldOfError(new BatonError('INVALID_INPUT', 'Invalid host.add request', { issues: [{ path: ['name'], message: 'x' }] })), 'name');
  assert.equal(fieldOfError(new BatonError('ALREADY_EXISTS', 'A host named web-1 already exists.', { host: 'web-1' })), 'name');
  assert.equal(fieldOfError(new BatonError('ALREADY_EXISTS', 'That engine is already in the cluster as web-1.', { host: 'web-1' })), 'address');
  assert.equal(fieldOfError(new BatonError('DOCKER_PERMISSION', 'may not use the socket')), null);
});

function host(inventory: Host['inventory']): Host {
  return {
    name: 'lab-1',
    kind: 'ssh',
    ssh: { user: 'root', address: '10.213.0.11', port: 22 },
    socketPath: null,
    auth: 'key',
    identityFile: null,
    hostKeyFingerprint: null,
    labels: {},
    state: 'ready',
    stateReason: null,
    inventory,
    addedAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: null,
  };
}

const INVENTORY: NonNullable<Host['inventory']> = {
  hostname: 'lab-1',
  os: 'Debian GNU/Linux 12 (bookworm)',
  osType: 'linux',
  kernel: '6.1',
  architecture: 'x86_64',
  cpus: 4,
  memoryBytes: 16 * 2 ** 30,
  dockerVersion: '24.0.7',
  apiVersion: '1.43',
  engineLabels: [],
};

test('reservations are the replicas\' sum against the engine\'s capacity', () => {
  const r = hostReservation(host(INVENTORY), { host: 'lab-1', replicas: 3, nanoCpusReserved: 1.5e9, memoryBytesReserved: 2 * 2 ** 30 });
  assert.equal(r.replicas, 3);
  assert.equal(r.cpu.percent, 37.5);
  assert.equal(r.cpu.text, '1.5 of 4 CPUs');
  assert.equal(r.memory.percent, 12.5);
  assert.equal(r.memory.text, '2 GiB of 16 GiB');
  const idle = hostReservation(host(INVENTORY), undefined);
  assert.equal(idle.cpu.percent, 0);
  assert.equal(idle.replicas, 0);
  const unknown = hostReservation(host(null), { host: 'lab-1', replicas: 1, nanoCpusReserved: 5e8, memoryBytesReserved: 0 });
  assert.equal(unknown.cpu.percent, null);
  assert.equal(unknown.cpu.text, '0.5 CPUs reserved');
  assert.equal(formatCpus(1 / 3), '0.33');
});

test('a meter turns amber when nearly full and red past full', () => {
  assert.equal(meterTone(10), 'calm');
  assert.equal(meterTone(80), 'high');
  assert.equal(meterTone(96), 'full');
  assert.equal(meterTone(140), 'full');
});
