// A service's container options on a real lab host: what `docker inspect` shows of its replica
// (init, stop signal, user, working folder, host name, capabilities, sysctls, ulimits, extra
// hosts, DNS, read-only root, /dev/shm size, logging, …), what the replica itself sees when it
// runs, a change to one option rolling out as a new revision, and `platform:` placing replicas
// only on hosts that run it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceStatus, StackPlan } from '../../shared/api.ts';
import { hostPlatform } from '../../shared/platform.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, startTestPlane, type TestPlane, until } from './helpers.ts';

let lab: LabInfo;
let h: LabHost;
let t: TestPlane;
let platform = '';
let otherPlatform = '';

const apply = (source: string, extra: Record<string, unknown> = {}) => call(t.plane, 'stack.apply', { source, file: '/srv/opts/compose.yaml', ...extra });

before(async () => {
  lab = readLab();
  h = lab.hosts[0]!;
  t = await startTestPlane();
  await call(t.plane, 'host.add', { target: `root@${h.address}`, name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  const info = (await dockerCli(h, ['info', '--format', '{{.OSType}} {{.Architecture}}'])).stdout.trim().split(' ');
  platform = hostPlatform(info[0]!, info[1]!);
  otherPlatform = platform === 'linux/arm64' ? 'linux/amd64' : 'linux/arm64';
});

after(async () => {
  await call(t.plane, 'stack.remove', { name: 'opts' }).catch(() => {});
  await t.plane.stop();
  const left = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=opts'])).stdout.split('\n').filter(Boolean);
  if (left.length > 0) await dockerCli(h, ['rm', '-f', ...left]);
});

const stack = (somaxconn: number) => `name: opts
services:
  app:
    image: baton-test/web:1
    # the image's /www is root's: the user writes its pages on the tmpfs instead (runc keeps a
    # mount point's own mode over tmpfs' mode=, so the tmpfs goes where the image has a 1777 /tmp)
    command: ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/health && echo hostname=$$(hostname) > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
    init: true
    stop_signal: SIGINT
    user: "1000:1000"
    working_dir: /tmp
    hostname: kv-app
    domainname: shop.internal
    cap_drop: [MKNOD]
    cap_add: [NET_BIND_SERVICE]
    sysctls:
      net.core.somaxconn: ${somaxconn}
    ulimits:
      nofile: { soft: 1024, hard: 2048 }
    logging:
      driver: json-file
      options: { max-size: 1m, max-file: "2" }
    extra_hosts: ["db.local:10.0.0.5", "cache.local=10.0.0.6"]
    dns: 10.213.0.1
    dns_search: [shop.internal]
    dns_opt: ["ndots:1"]
    read_only: true
    tmpfs: ["/tmp:size=8m,mode=1777"]
    shm_size: 32m
    security_opt: ["no-new-privileges:true"]
    group_add: ["1001"]
    ipc: shareable
    platform: ${platform}
    stop_grace_period: 4s
    container_name: not-this-name
`;

async function replicaId(): Promise<string> {
  const id = (await dockerCli(h, ['ps', '-q', '--no-trunc', '--filter', 'label=baton.stack=opts', '--filter', 'label=baton.service=app'])).stdout.trim();
  assert.ok(id !== '' && !id.includes('\n'), `one app replica runs: ${id}`);
  return id;
}

async function running(revision: number): Promise<void> {
  await until(
    `app runs at revision ${revision}`,
    async () => ((await call(t.plane, 'service.list', { stack: 'opts' })) as ServiceStatus[]).find((s) => s.name === 'app'),
    (s) => s !== undefined && s.revision === revision && s.running === 1 && s.revisions.every((r) => r.revision === revision || r.running === 0),
    60_000,
  );
}

interface Inspected {
  Name: string;
  Config: { Hostname: string; Domainname: string; User: string; WorkingDir: string; StopSignal: string; StopTimeout: number };
  HostConfig: Record<string, unknown>;
}

async function inspect(id: string): Promise<Inspected> {
  const out = await dockerCli(h, ['inspect', id]);
  return (JSON.parse(out.stdout) as Inspected[])[0]!;
}

test("the replica is created with the service's container options, and runs with them", async () => {
  const plan = (await apply(stack(1024))) as StackPlan;
  assert.equal(plan.services[0]!.action, 'create');
  assert.deepEqual(plan.services[0]!.hosts, ['h1']);
  await running(1);
  const id = await replicaId();
  const c = await inspect(id);
  assert.match(c.Name, /^\/opts_app\.1\.1-/, 'named by Baton, container_name ignored');
  assert.equal(c.Config.Hostname, 'kv-app');
  assert.equal(c.Config.Domainname, 'shop.internal');
  assert.equal(c.Config.User, '1000:1000');
  assert.equal(c.Config.WorkingDir, '/tmp');
  assert.equal(c.Config.StopSignal, 'SIGINT');
  assert.equal(c.Config.StopTimeout, 4);
  const hc = c.HostConfig;
  assert.equal(hc.Init, true);
  assert.deepEqual(hc.CapAdd, ['NET_BIND_SERVICE']);
  assert.deepEqual(hc.CapDrop, ['MKNOD']);
  assert.deepEqual(hc.Sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
  assert.deepEqual(hc.ExtraHosts, ['db.local:10.0.0.5', 'cache.local:10.0.0.6']);
  assert.deepEqual(hc.Dns, ['10.213.0.1']);
  assert.deepEqual(hc.DnsSearch, ['shop.internal']);
  assert.deepEqual(hc.DnsOptions, ['ndots:1']);
  assert.equal(hc.ReadonlyRootfs, true);
  assert.equal(hc.ShmSize, 32 * 2 ** 20);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges=true']);
  assert.deepEqual(hc.GroupAdd, ['1001']);
  assert.equal(hc.IpcMode, 'shareable');
  assert.equal(hc.Privileged, false);
  assert.equal(hc.NetworkMode, 'baton');
  const www = (hc.Mounts as { Type: string; Target: string; TmpfsOptions?: unknown }[]).find((m) => m.Target === '/tmp');
  assert.equal(www?.Type, 'tmpfs');
  assert.deepEqual(www?.TmpfsOptions, { SizeBytes: 8 * 2 ** 20, Mode: 0o1777 });

  // inside: the app serves under its host name; its processes run as the user, under docker-init
  const served = await until('the app serves', () => dockerCli(h, ['exec', id, 'wget', '-qO-', 'http://127.0.0.1:8080/']), (r) => r.stdout.includes('hostname='), 20_000);
  assert.equal(served.stdout.trim(), 'hostname=kv-app');
  const seen = await dockerCli(h, ['exec', id, 'sh', '-c', 'hostname; id -u; id -G; pwd; cat /proc/1/comm; ulimit -n; ulimit -Hn; cat /proc/sys/net/core/somaxconn; grep -c "db.local" /etc/hosts; grep -E "^(search|options)" /etc/resolv.conf; df -k /tmp | tail -1; df -k /dev/shm | tail -1']);
  const lines = seen.stdout.trim().split('\n');
  assert.equal(lines[0], 'kv-app');
  assert.equal(lines[1], '1000');
  assert.deepEqual(lines[2]!.split(' ').sort(), ['1000', '1001']);
  assert.equal(lines[3], '/tmp');
  assert.equal(lines[4], 'docker-init');
  assert.equal(lines[5], '1024');
  assert.equal(lines[6], '2048');
  assert.equal(lines[7], '1024');
  assert.equal(lines[8], '1');
  assert.ok(lines.some((l) => /^search .*shop\.internal/.test(l)), seen.stdout);
  assert.ok(lines.some((l) => /^options .*ndots:1/.test(l)), seen.stdout);
  assert.match(lines.at(-2)!, /\s8192\s/, `an 8 MiB tmpfs at /tmp: ${lines.at(-2)}`);
  assert.match(lines.at(-1)!, /\s32768\s/, `a 32 MiB /dev/shm: ${lines.at(-1)}`);
  // the root filesystem is read-only, even for root
  const write = await dockerCli(h, ['exec', '-u', '0', id, 'sh', '-c', 'touch /probe 2>&1; echo done']);
  assert.match(write.stdout, /Read-only file system/);
});

test('a change to one option is a new revision: the replica is replaced by one that has it', async () => {
  const before = await replicaId();
  const plan = (await apply(stack(2048))) as StackPlan;
  const app = plan.services[0]!;
  assert.equal(app.action, 'update');
  assert.equal(app.revision, 2);
  assert.deepEqual(
    app.changes.map((c) => c.field),
    ['container options'],
  );
  assert.match(app.changes[0]!.after ?? '', /sysctls net\.core\.somaxconn=2048/);
  await running(2);
  const id = await until('the replica is replaced', replicaId, (x) => x !== before, 30_000, { retryErrors: true });
  assert.deepEqual((await inspect(id)).HostConfig.Sysctls, { 'net.core.somaxconn': '2048' });
  assert.equal((await dockerCli(h, ['exec', id, 'cat', '/proc/sys/net/core/somaxconn'])).stdout.trim(), '2048');
  // the same file again changes nothing
  const again = (await apply(stack(2048))) as StackPlan;
  assert.equal(again.services[0]!.action, 'unchanged');
});

test('a platform no host runs is refused at apply with each host\'s reason, and nothing is stored', async () => {
  const source = `name: elsewhere
services:
  app:
    image: baton-test/web:1
    platform: ${otherPlatform}
`;
  const err = await expectError(apply(source, { dryRun: true }), 'INVALID_INPUT', /service app can't run on any host, even an empty one: h1: runs linux\/\w+ \(\w+\), and the service asks for linux\/\w+/);
  assert.match(err.message, /nothing was applied/);
  const stacks = (await call(t.plane, 'stack.list', {})) as { name: string }[];
  assert.ok(!stacks.some((s) => s.name === 'elsewhere'));
});
