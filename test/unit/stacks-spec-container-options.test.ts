// The container options of a service: each key in each of its forms, its mistakes at their line,
// the Docker create request they become, and the revision they are part of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceSpec, SpecProblem } from '../../shared/stack.ts';
import { containerConfig } from '../../electron/control-plane/reconcile/container-config.ts';
import { planReach } from '../../electron/control-plane/stacks/plan-reach.ts';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { containerSpecHash, serviceSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';
import { CONTAINER_OPTION_KEYS } from '../../electron/control-plane/stacks/spec/container-options.ts';
import { SERVICE_KEY_RULES } from '../../electron/control-plane/stacks/spec/service-keys.ts';

function parse(service: string) {
  return parseStackFile({ text: `services:\n  app:\n    image: app:1\n${service}`, file: '/srv/shop/stack.yaml', env: {} });
}

function spec(service: string): ServiceSpec {
  const { stack, problems } = parse(service);
  assert.ok(stack, problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  return stack.services[0]!;
}

function errors(service: string): SpecProblem[] {
  const { stack, problems } = parse(service);
  assert.equal(stack, null, 'the stack is refused');
  return problems.filter((p) => p.severity === 'error');
}

function oneError(service: string, path: string, line: number, message: RegExp): void {
  const found = errors(service);
  assert.equal(found.length, 1, found.map((p) => `${p.path}: ${p.message}`).join('\n'));
  assert.equal(found[0]!.path, path);
  assert.equal(found[0]!.line, line, `line of ${path}`);
  assert.match(found[0]!.message, message);
}

const ID = { clusterId: 'c1', revision: 1, containerHash: 'h', slot: 1, short: 'aaaaaa' };

test('every key this module reads is marked supported in the key table', () => {
  for (const key of CONTAINER_OPTION_KEYS) assert.ok(SERVICE_KEY_RULES[key] === 'supported' || typeof SERVICE_KEY_RULES[key] === 'function', key);
});

test('a service that writes none of them has no container options, and keeps the hash it had', () => {
  const s = spec('');
  assert.equal(s.container, undefined);
  assert.equal('container' in s, false);
});

test('the plain keys: init, stop_signal, user, working_dir, hostname, domainname, read_only, shm_size, group_add', () => {
  const s = spec(
    [
      '    init: true',
      '    stop_signal: sigquit',
      '    user: "1000:1000"',
      '    working_dir: /srv/app',
      '    hostname: app-1',
      '    domainname: shop.internal',
      '    read_only: true',
      '    shm_size: 64m',
      '    group_add: [audio, 1001]',
      '',
    ].join('\n'),
  );
  assert.deepEqual(s.container, {
    init: true,
    stopSignal: 'SIGQUIT',
    user: '1000:1000',
    workingDir: '/srv/app',
    hostname: 'app-1',
    domainname: 'shop.internal',
    readOnly: true,
    shmSizeBytes: 64 * 2 ** 20,
    groupAdd: ['audio', '1001'],
  });
  // Compose's schema wants a string: `user: 1000` is refused there, as docker compose does
  assert.match(errors('    user: 1000\n')[0]!.message, /must be a string/);
  assert.equal(spec('    stop_signal: "15"\n').container?.stopSignal, '15');
  assert.equal(spec('    stop_signal: SIGRTMIN+3\n').container?.stopSignal, 'SIGRTMIN+3');
  assert.equal(spec('    shm_size: 1073741824\n').container?.shmSizeBytes, 2 ** 30);
  assert.equal(spec('    init: false\n').container?.init, false);
});

test('sysctls as a list and as a map', () => {
  assert.deepEqual(spec('    sysctls: ["net.core.somaxconn=1024", "net.ipv4.tcp_syncookies = 0"]\n').container?.sysctls, { 'net.core.somaxconn': '1024', 'net.ipv4.tcp_syncookies': '0' });
  assert.deepEqual(spec('    sysctls:\n      net.core.somaxconn: 1024\n      kernel.shmmax: 68719476736\n      fs.mqueue.msg_max: 20\n').container?.sysctls, {
    'net.core.somaxconn': '1024',
    'kernel.shmmax': '68719476736',
    'fs.mqueue.msg_max': '20',
  });
});

test('a sysctl that is not a container\'s own, or not written name=value, is refused at its line', () => {
  oneError('    sysctls:\n      vm.swappiness: 10\n', 'services.app.sysctls.vm.swappiness', 5, /"vm.swappiness" is the host's own setting.*set it on the hosts instead/);
  oneError('    sysctls: ["net.core.somaxconn"]\n', 'services.app.sysctls.0', 4, /is not a kernel setting: write name=value/);
  oneError('    sysctls: ["kernel.hostname=x"]\n', 'services.app.sysctls.0', 4, /the host's own setting/);
});

test('ulimits as one number or soft/hard', () => {
  assert.deepEqual(spec('    ulimits:\n      nproc: 65535\n      nofile: { soft: 20000, hard: 40000 }\n      memlock: -1\n').container?.ulimits, [
    { name: 'nproc', soft: 65535, hard: 65535 },
    { name: 'nofile', soft: 20000, hard: 40000 },
    { name: 'memlock', soft: -1, hard: -1 },
  ]);
});

test('a ulimit with a wrong name, a soft limit above its hard one, or half written is refused', () => {
  oneError('    ulimits:\n      files: 1024\n', 'services.app.ulimits.files', 5, /`files` is not a resource limit: one of core, cpu, .*nofile/);
  oneError('    ulimits:\n      nofile: { soft: 4096, hard: 1024 }\n', 'services.app.ulimits.nofile.soft', 5, /soft limit 4096 is above the hard limit 1024/);
  const half = errors('    ulimits:\n      nofile: { soft: 4096 }\n');
  assert.ok(half.some((p) => p.path === 'services.app.ulimits.nofile'), half.map((p) => p.message).join('\n'));
});

test('logging: the driver and its options, json-file when only options are written', () => {
  assert.deepEqual(spec('    logging:\n      driver: local\n      options: { max-size: 10m, max-file: 3 }\n').container?.logging, { driver: 'local', options: { 'max-size': '10m', 'max-file': '3' } });
  assert.deepEqual(spec('    logging:\n      options: { max-size: 1m }\n').container?.logging, { driver: 'json-file', options: { 'max-size': '1m' } });
  const none = parse('    logging: { driver: none }\n');
  assert.ok(none.stack);
  assert.deepEqual(none.stack.services[0]!.container?.logging, { driver: 'none', options: {} });
  assert.deepEqual(none.problems.map((p) => [p.path, p.severity, p.line]), [['services.app.logging.driver', 'warning', 4]]);
  assert.match(none.problems[0]!.message, /replicas keep no logs/);
  oneError('    logging: { driver: "no such" }\n', 'services.app.logging.driver', 4, /is not a logging driver's name/);
});

test('extra_hosts as a list (host:ip and host=ip) and as a map, IPv6 and host-gateway included', () => {
  assert.deepEqual(spec('    extra_hosts: ["db.local:10.0.0.5", "cache=10.0.0.6", "v6.local=::1", "v6b:fe80::1", "gw:host-gateway"]\n').container?.extraHosts, [
    'db.local:10.0.0.5',
    'cache:10.0.0.6',
    'v6.local:::1',
    'v6b:fe80::1',
    'gw:host-gateway',
  ]);
  assert.deepEqual(spec('    extra_hosts:\n      db.local: 10.0.0.5\n      v6: "[::1]"\n').container?.extraHosts, ['db.local:10.0.0.5', 'v6:::1']);
});

test('an extra_hosts entry without an address, or with a name for an address, is refused at its line', () => {
  oneError('    extra_hosts: ["db.local"]\n', 'services.app.extra_hosts.0', 4, /"db.local" is not a host entry: write name:address or name=address/);
  oneError('    extra_hosts:\n      - "db.local:example.com"\n', 'services.app.extra_hosts.0', 5, /"example.com" is not an IP address/);
  oneError('    extra_hosts:\n      "bad name": 10.0.0.1\n', 'services.app.extra_hosts.bad name', 5, /"bad name" is not a valid host name/);
});

test('dns as a string or a list, dns_search, dns_opt', () => {
  assert.deepEqual(spec('    dns: 10.0.0.2\n').container?.dns, ['10.0.0.2']);
  assert.deepEqual(spec('    dns: [1.1.1.1, "2606:4700:4700::1111"]\n    dns_search: shop.internal\n    dns_opt: [ndots:2, edns0]\n').container, {
    dns: ['1.1.1.1', '2606:4700:4700::1111'],
    dnsSearch: ['shop.internal'],
    dnsOptions: ['ndots:2', 'edns0'],
  });
  oneError('    dns: [dns.google]\n', 'services.app.dns.0', 4, /"dns.google" is not an IP address: name servers are written by address/);
});

test('capabilities are checked against capabilities(7) and kept upper-cased as written', () => {
  assert.deepEqual(spec('    cap_add: [net_bind_service, CAP_CHOWN]\n    cap_drop: [ALL]\n').container, { capAdd: ['NET_BIND_SERVICE', 'CAP_CHOWN'], capDrop: ['ALL'] });
  oneError('    cap_drop: [NET_BIND, CHOWN]\n', 'services.app.cap_drop.0', 4, /"NET_BIND" is not a Linux capability/);
});

test('stop_signal, user, working_dir and hostname mistakes are refused at their line', () => {
  oneError('    stop_signal: SIGFOO\n', 'services.app.stop_signal', 4, /"SIGFOO" is not a signal/);
  oneError('    stop_signal: "99"\n', 'services.app.stop_signal', 4, /is not a signal/);
  oneError('    user: "app user"\n', 'services.app.user', 4, /"app user" is not a user/);
  oneError('    working_dir: srv/app\n', 'services.app.working_dir', 4, /"srv\/app" is not an absolute path/);
  oneError('    hostname: web_1\n', 'services.app.hostname', 4, /"web_1" is not a valid host name/);
  oneError('    shm_size: lots\n', 'services.app.shm_size', 4, /must be a size like/);
});

test('security_opt: the known options, "key:value" written as Docker takes it; a seccomp profile file is refused', () => {
  assert.deepEqual(spec('    security_opt: ["no-new-privileges:true", "label=type:container_t", no-new-privileges]\n').container?.securityOpt, [
    'no-new-privileges=true',
    'label=type:container_t',
    'no-new-privileges',
  ]);
  oneError('    security_opt: ["seccomp=./profile.json"]\n', 'services.app.security_opt.0', 4, /seccomp profile file, which Baton does not send to the hosts/);
  oneError('    security_opt: ["nonsense=1"]\n', 'services.app.security_opt.0', 4, /is not a security option/);
});

test('devices in short (src:dst:perms) and long form', () => {
  const s = spec(
    ['    devices:', '      - /dev/fuse', '      - /dev/sda:/dev/xvda:r', '      - /dev/net/tun:rw', '      - { source: /dev/kvm, target: /dev/kvm, permissions: rwm }', '    x-baton: { host_access: true }', ''].join('\n'),
  );
  assert.deepEqual(s.container?.devices, [
    { source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' },
    { source: '/dev/sda', target: '/dev/xvda', permissions: 'r' },
    { source: '/dev/net/tun', target: '/dev/net/tun', permissions: 'rw' },
    { source: '/dev/kvm', target: '/dev/kvm', permissions: 'rwm' },
  ]);
  const bad = errors('    devices: ["/dev/sda:/dev/xvda:rx", "fuse"]\n    x-baton: { host_access: true }\n');
  assert.deepEqual(bad.map((p) => p.path), ['services.app.devices.0', 'services.app.devices.1']);
  assert.match(bad[0]!.message, /permissions "rx" must be made of r \(read\), w \(write\) and m \(mknod\)/);
  assert.match(bad[1]!.message, /a device is an absolute path/);
  oneError('    devices: ["nvidia.com/gpu=all"]\n    x-baton: { host_access: true }\n', 'services.app.devices.0', 4, /CDI device name/);
});

test('pid and ipc: the per-container modes are kept; sharing with another container stays refused', () => {
  assert.deepEqual(spec('    ipc: shareable\n').container, { ipc: 'shareable' });
  assert.deepEqual(spec('    ipc: private\n').container, { ipc: 'private' });
  assert.deepEqual(spec('    pid: host\n    ipc: host\n    x-baton: { host_access: true }\n').container, { pid: 'host', ipc: 'host' });
  oneError('    ipc: service:db\n', 'services.app.ipc', 4, /`ipc: service:db` shares a namespace with another container, which may run on another host/);
  oneError('    pid: container:abc\n', 'services.app.pid', 4, /shares a namespace/);
  oneError('    pid: private\n', 'services.app.pid', 4, /"private" is not a pid mode Baton supports: "host"/);
});

test('platform: os/arch[/variant], Linux only', () => {
  assert.equal(spec('    platform: linux/arm64/v8\n').container?.platform, 'linux/arm64/v8');
  assert.equal(spec('    platform: Linux/AMD64\n').container?.platform, 'linux/amd64');
  oneError('    platform: windows/amd64\n', 'services.app.platform', 4, /Baton runs Linux containers/);
  oneError('    platform: linux/z80\n', 'services.app.platform', 4, /"z80" is not an architecture Baton knows/);
  oneError('    platform: amd64\n', 'services.app.platform', 4, /is not a platform: write os\/architecture/);
});

test('keys that reach into the host need consent, and the plan lists them', () => {
  const without = errors('    privileged: true\n    cap_add: [SYS_ADMIN]\n    devices: [/dev/fuse]\n    pid: host\n    security_opt: [seccomp=unconfined]\n');
  assert.deepEqual(
    without.map((p) => [p.path, p.line]),
    [
      ['services.app.privileged', 4],
      ['services.app.cap_add', 5],
      ['services.app.devices', 6],
      ['services.app.pid', 7],
      ['services.app.security_opt', 8],
    ],
  );
  for (const p of without) assert.match(p.message, /reaches into the host: .*x-baton: \{ host_access: true \}/);
  const s = spec('    privileged: true\n    cap_add: [SYS_ADMIN, CHOWN]\n    devices: [/dev/fuse]\n    pid: host\n    ipc: host\n    security_opt: [seccomp=unconfined]\n    x-baton: { host_access: true }\n');
  assert.deepEqual(
    planReach(s).hostAccess.map((h) => [h.kind, h.what]),
    [
      ['key', '`privileged: true`'],
      ['key', '`devices: /dev/fuse`'],
      ['key', '`pid: host`'],
      ['key', '`ipc: host`'],
      ['key', '`cap_add: SYS_ADMIN, CHOWN`'],
      ['key', '`security_opt: seccomp=unconfined`'],
    ],
  );
  // what reaches nothing of the host needs no consent and is not listed
  const quiet = spec('    privileged: false\n    cap_add: [NET_BIND_SERVICE]\n    ipc: private\n');
  assert.deepEqual(planReach(quiet).hostAccess, []);
});

test('keys that mean nothing across hosts are warnings that say what Baton does instead, and the stack deploys', () => {
  const { stack, problems } = parse('    container_name: shop-app\n    network_mode: host\n    volumes_from: [other]\n');
  assert.ok(stack, problems.map((p) => p.message).join('\n'));
  assert.deepEqual(
    problems.map((p) => [p.path, p.severity, p.line]),
    [
      ['services.app.container_name', 'warning', 4],
      ['services.app.network_mode', 'warning', 5],
      ['services.app.volumes_from', 'warning', 6],
    ],
  );
  assert.match(problems[0]!.message, /Baton names them <stack>_<service>\.<slot>/);
  assert.match(problems[1]!.message, /replicas join Baton's network.*publish .* with `ports:`/);
  assert.match(problems[2]!.message, /declare a named volume and mount it in both services/);
  // deployed without them: the replica is on Baton's network, with its own name
  const c = containerConfig(stack.services[0]!, ID);
  assert.equal(c.HostConfig?.NetworkMode, 'baton');
  assert.equal(c.name, 'shop_app.1.1-aaaaaa');
  assert.equal(stack.services[0]!.container, undefined);
});

test('the options become the Docker create request of every replica', () => {
  const s = spec(
    [
      '    init: true',
      '    stop_signal: SIGINT',
      '    user: "1000:1000"',
      '    working_dir: /srv',
      '    hostname: app',
      '    domainname: shop.internal',
      '    cap_add: [NET_ADMIN]',
      '    cap_drop: [MKNOD]',
      '    sysctls: { net.core.somaxconn: 1024 }',
      '    ulimits: { nofile: { soft: 1024, hard: 2048 } }',
      '    logging: { driver: local, options: { max-size: 5m } }',
      '    extra_hosts: ["db:10.0.0.5"]',
      '    dns: 10.0.0.2',
      '    dns_search: [shop.internal]',
      '    dns_opt: [ndots:1]',
      '    read_only: true',
      '    shm_size: 128m',
      '    security_opt: [no-new-privileges:true]',
      '    privileged: false',
      '    devices: ["/dev/fuse:/dev/fuse:rw"]',
      '    group_add: ["1001"]',
      '    ipc: shareable',
      '    pid: host',
      '    stop_grace_period: 3s',
      '    x-baton: { host_access: true }',
      '',
    ].join('\n'),
  );
  const c = containerConfig(s, ID);
  assert.equal(c.User, '1000:1000');
  assert.equal(c.WorkingDir, '/srv');
  assert.equal(c.Hostname, 'app');
  assert.equal(c.Domainname, 'shop.internal');
  assert.equal(c.StopSignal, 'SIGINT');
  assert.equal(c.StopTimeout, 3);
  assert.equal(c.name, 'shop_app.1.1-aaaaaa');
  assert.equal(c.Image, 'app:1');
  assert.deepEqual(c.HostConfig, {
    Init: true,
    CapAdd: ['NET_ADMIN'],
    CapDrop: ['MKNOD'],
    Sysctls: { 'net.core.somaxconn': '1024' },
    Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
    LogConfig: { Type: 'local', Config: { 'max-size': '5m' } },
    ExtraHosts: ['db:10.0.0.5'],
    Dns: ['10.0.0.2'],
    DnsSearch: ['shop.internal'],
    DnsOptions: ['ndots:1'],
    ReadonlyRootfs: true,
    ShmSize: 128 * 2 ** 20,
    SecurityOpt: ['no-new-privileges=true'],
    Privileged: false,
    Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rw' }],
    GroupAdd: ['1001'],
    IpcMode: 'shareable',
    PidMode: 'host',
    PortBindings: {},
    RestartPolicy: { Name: 'unless-stopped' },
    Mounts: [],
    NetworkMode: 'baton',
  });
  // a replica without options gets none of these fields
  const plain = containerConfig(spec(''), ID);
  for (const field of ['User', 'WorkingDir', 'Hostname', 'StopSignal'] as const) assert.equal(field in plain, false, field);
  assert.deepEqual(Object.keys(plain.HostConfig ?? {}).sort(), ['Mounts', 'NetworkMode', 'PortBindings', 'RestartPolicy']);
});

test('a change to any option is a new revision and a new container; the same options in another order are not', () => {
  const base = spec('    user: "1000"\n    sysctls: { net.core.somaxconn: 1024, net.ipv4.ip_forward: 1 }\n');
  const reordered = spec('    sysctls: { net.ipv4.ip_forward: 1, net.core.somaxconn: 1024 }\n    user: "1000"\n');
  assert.equal(serviceSpecHash(base), serviceSpecHash(reordered));
  assert.equal(containerSpecHash(base), containerSpecHash(reordered));
  const changes = [
    '    user: "1001"\n    sysctls: { net.core.somaxconn: 1024, net.ipv4.ip_forward: 1 }\n',
    '    user: "1000"\n    sysctls: { net.core.somaxconn: 2048, net.ipv4.ip_forward: 1 }\n',
    '    user: "1000"\n    sysctls: { net.core.somaxconn: 1024, net.ipv4.ip_forward: 1 }\n    init: true\n',
    '    user: "1000"\n    sysctls: { net.core.somaxconn: 1024, net.ipv4.ip_forward: 1 }\n    platform: linux/arm64\n',
  ];
  for (const text of changes) {
    const changed = spec(text);
    assert.notEqual(serviceSpecHash(changed), serviceSpecHash(base), text);
    assert.notEqual(containerSpecHash(changed), containerSpecHash(base), text);
  }
  // a spec written before these keys existed has no `container` and the hash it always had
  const old = spec('');
  assert.equal(serviceSpecHash(old), serviceSpecHash({ ...old, container: undefined }));
});

test('tmpfs: a path, with size and mode in the short form or the long one; other options refused at their line', () => {
  assert.deepEqual(spec('    tmpfs: /run\n').volumes, [{ type: 'tmpfs', source: null, target: '/run', readOnly: false }]);
  assert.deepEqual(spec('    tmpfs: ["/run:size=64m,mode=1777", "/cache:ro"]\n').volumes, [
    { type: 'tmpfs', source: null, target: '/run', readOnly: false, tmpfs: { sizeBytes: 64 * 2 ** 20, mode: 0o1777 } },
    { type: 'tmpfs', source: null, target: '/cache', readOnly: true },
  ]);
  assert.deepEqual(spec('    volumes:\n      - type: tmpfs\n        target: /scratch\n        tmpfs: { size: 1g, mode: 0700 }\n').volumes, [
    { type: 'tmpfs', source: null, target: '/scratch', readOnly: false, tmpfs: { sizeBytes: 2 ** 30, mode: 0o700 } },
  ]);
  oneError('    tmpfs: ["/run:noexec"]\n', 'services.app.tmpfs.0', 4, /tmpfs option "noexec" is not supported: write size=<bytes>/);
  oneError('    volumes:\n      - type: tmpfs\n        target: /s\n        tmpfs: { size: lots }\n', 'services.app.volumes.0.tmpfs.size', 7, /must be a size/);
  const c = containerConfig(spec('    tmpfs: ["/run:size=64m,mode=1777", /plain]\n'), ID);
  assert.deepEqual(c.HostConfig?.Mounts, [
    { Type: 'tmpfs', Target: '/run', ReadOnly: false, Source: '', TmpfsOptions: { SizeBytes: 64 * 2 ** 20, Mode: 0o1777 } },
    { Type: 'tmpfs', Target: '/plain', ReadOnly: false, Source: '' },
  ]);
});
