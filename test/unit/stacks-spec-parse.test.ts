import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceSpec, StackSpec } from '../../shared/stack.ts';
import { parseStackFile, serviceSpecHash, type ParseInput } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

const fixtures = join(import.meta.dirname, 'fixtures', 'stacks');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

// The file is said to live in /srv/shop, so resolved paths don't depend on where the tests run;
// the env file it names comes with it, as a client sends it.
function parse(text: string, options: Partial<ParseInput> = {}) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {}, files: { './api.env': fixture('api.env'), './secrets/db_password.txt': 'pw\n', './nginx/default.conf': 'server {}\n', '/etc/baton/key.pem': 'KEY\n' }, ...options });
}

const update = { parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5000, maxFailureRatio: 0, order: 'start-first' } as const;
const restartAny = { condition: 'any', delayMs: 0, maxAttempts: null, windowMs: 0 } as const;

const EXPECTED: StackSpec = {
  name: 'shop',
  services: [
    {
      stack: 'shop',
      name: 'web',
      image: 'nginx:1.27-alpine',
      command: null,
      entrypoint: null,
      environment: {},
      labels: {},
      ports: [
        { target: 8080, published: 80, protocol: 'tcp', mode: 'ingress' },
        { target: 8443, published: 443, protocol: 'tcp', mode: 'ingress' },
      ],
      healthcheck: { test: ['CMD', 'wget', '-qO-', 'http://localhost:8080/healthz'], intervalMs: 10_000, timeoutMs: 2_000, retries: 3, startPeriodMs: 5_000 },
      replicas: 2,
      limits: { nanoCpus: 500_000_000, memoryBytes: 256 * 1024 ** 2 },
      reservations: { nanoCpus: 250_000_000, memoryBytes: 128 * 1024 ** 2 },
      placement: {
        constraints: [{ field: 'node.labels.role', op: '==', value: 'edge', text: 'node.labels.role == edge' }],
        spreadOver: ['node.labels.zone'],
        maxReplicasPerHost: null,
      },
      update: { ...update, delayMs: 5_000 },
      rollback: update,
      restart: restartAny, // `restart: unless-stopped`, merged in from x-defaults
      secrets: [],
      configs: [{ source: 'nginx_conf', target: '/etc/nginx/conf.d/default.conf', uid: '0', gid: '0', mode: 0o444 }],
      volumes: [],
      networks: ['front'],
      stopGracePeriodMs: 20_000,
      autoscale: null,
    },
    {
      stack: 'shop',
      name: 'api',
      image: 'registry.example.com/shop/api:1.4.2',
      command: ['node', 'server.js', '--port', '3000'],
      entrypoint: null,
      environment: {
        NODE_ENV: 'production',
        CACHE_TTL: '300',
        GREETING: 'hello, friend',
        DATABASE_URL: 'postgres://shop@db.internal:5432/shop',
        LOG_LEVEL: 'debug',
        FEATURE_FLAGS: 'checkout,search',
      },
      labels: { 'com.example.team': 'payments' },
      ports: [{ target: 3000, published: null, protocol: 'tcp', mode: 'ingress', exposeOnly: true }],
      healthcheck: { test: ['CMD-SHELL', 'curl -fsS http://localhost:3000/healthz || exit 1'], intervalMs: 15_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 },
      replicas: 3,
      limits: { nanoCpus: 1_000_000_000, memoryBytes: 1024 ** 3 },
      reservations: { nanoCpus: null, memoryBytes: 512 * 1024 ** 2 },
      placement: {
        constraints: [{ field: 'node.labels.zone', op: '!=', value: 'eu-west-3', text: 'node.labels.zone != eu-west-3' }],
        spreadOver: [],
        maxReplicasPerHost: 2,
      },
      update: { parallelism: 2, delayMs: 10_000, failureAction: 'rollback', monitorMs: 30_000, maxFailureRatio: 0.2, order: 'start-first' },
      rollback: { ...update, parallelism: 0, failureAction: 'continue' },
      restart: { condition: 'on-failure', delayMs: 2_000, maxAttempts: 5, windowMs: 90_000 },
      secrets: [
        { source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o444 },
        { source: 'stripe_key', target: '/run/secrets/stripe', uid: '0', gid: '0', mode: 0o400 },
      ],
      configs: [],
      volumes: [],
      networks: ['front', 'back'],
      stopGracePeriodMs: 10_000,
      autoscale: { min: 2, max: 10, cpuPercent: 70, requestsPerSecond: null, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 180_000 },
      rollout: { progressDeadlineMs: 300_000, rebalance: false },
    },
    {
      stack: 'shop',
      name: 'worker',
      image: 'registry.example.com/shop/worker:1.4.2',
      command: ['worker', '--queue', 'orders'],
      entrypoint: ['/usr/bin/tini', '--'],
      environment: { QUEUE_URL: 'redis://queue.internal:6379', CONCURRENCY: '4' },
      labels: {},
      ports: [],
      healthcheck: null,
      replicas: 1,
      limits: { nanoCpus: null, memoryBytes: 100 * 1024 ** 2 },
      reservations: { nanoCpus: null, memoryBytes: null },
      placement: {
        constraints: [{ field: 'node.hostname', op: '==', value: 'worker-1', text: 'node.hostname == worker-1' }],
        spreadOver: [],
        maxReplicasPerHost: null,
      },
      update,
      rollback: update,
      restart: restartAny,
      secrets: [{ source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o444 }],
      configs: [],
      volumes: [
        { type: 'volume', source: 'uploads', target: '/srv/uploads', readOnly: false },
        { type: 'bind', source: '/srv/shop/seed', target: '/seed', readOnly: true },
        { type: 'tmpfs', source: null, target: '/tmp', readOnly: false },
      ],
      networks: ['back'],
      stopGracePeriodMs: 60_000,
      autoscale: null,
    },
  ],
  secrets: {
    db_password: { file: '/srv/shop/secrets/db_password.txt', external: false },
    stripe_key: { file: null, external: true },
  },
  configs: { nginx_conf: { file: '/srv/shop/nginx/default.conf', content: null, external: false } },
  volumes: { uploads: { driver: 'local', external: false } },
  networks: { front: { external: false }, back: { external: false } },
};

test('a realistic web + api + worker stack parses into the exact StackSpec', () => {
  const result = parse(fixture('shop.yaml'), { env: { LOG_LEVEL: 'debug' } });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.stack, EXPECTED);
  assert.deepEqual(result.baton, {
    placementStrategy: 'spread',
    rollout: { api: { progressDeadlineMs: 300_000, rebalance: false } },
  });
});

test('a minimal service gets Baton\'s defaults', () => {
  const result = parse('services:\n  app:\n    image: busybox\n', { stackName: 'demo' });
  assert.deepEqual(result.problems, []);
  const expected: ServiceSpec = {
    stack: 'demo',
    name: 'app',
    image: 'busybox',
    command: null,
    entrypoint: null,
    environment: {},
    labels: {},
    ports: [],
    healthcheck: null,
    replicas: 1,
    limits: { nanoCpus: null, memoryBytes: null },
    reservations: { nanoCpus: null, memoryBytes: null },
    placement: { constraints: [], spreadOver: [], maxReplicasPerHost: null },
    update,
    rollback: update,
    restart: restartAny,
    secrets: [],
    configs: [],
    volumes: [],
    networks: [],
    stopGracePeriodMs: 10_000,
    autoscale: null,
  };
  assert.deepEqual(result.stack, { name: 'demo', services: [expected], secrets: {}, configs: {}, volumes: {}, networks: {} });
  assert.deepEqual(result.baton, { placementStrategy: 'spread', rollout: {} });
});

test('the stack name comes from --name, else `name:`, else the folder (made name-safe)', () => {
  const text = 'name: from-file\nservices:\n  app:\n    image: busybox\n';
  assert.equal(parse(text, { stackName: 'from-cli' }).stack?.name, 'from-cli');
  assert.equal(parse(text).stack?.name, 'from-file');
  const folder = parseStackFile({ text: 'services:\n  app:\n    image: busybox\n', file: '/home/me/My Shop.v2/compose.yaml' });
  assert.equal(folder.stack?.name, 'myshopv2');

  const bad = parse(text, { stackName: 'Shop!' });
  assert.equal(bad.stack, null);
  assert.equal(bad.problems.length, 1);
  assert.match(bad.problems[0]!.message, /stack name `Shop!` \(from --name\) must match \^\[a-z0-9\]/);
});

test('ports: short forms, ranges, udp, long form with host mode, and expose', () => {
  const result = parse(`services:
  dns:
    image: coredns
    ports:
      - 53
      - "5353:53/udp"
      - "8000-8001:80-81"
      - target: 9100
        published: "9100"
        mode: host
    expose: ["9153"]
`);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.stack?.services[0]?.ports, [
    { target: 53, published: null, protocol: 'tcp', mode: 'ingress' },
    { target: 53, published: 5353, protocol: 'udp', mode: 'ingress' },
    { target: 80, published: 8000, protocol: 'tcp', mode: 'ingress' },
    { target: 81, published: 8001, protocol: 'tcp', mode: 'ingress' },
    { target: 9100, published: 9100, protocol: 'tcp', mode: 'host' },
    { target: 9153, published: null, protocol: 'tcp', mode: 'ingress', exposeOnly: true },
  ]);
});

test('ports bound to each host\'s loopback, short and long form; 0.0.0.0 is every address, as when none is written', () => {
  const result = parse(`services:
  db:
    image: postgres
    ports:
      - "127.0.0.1:5432:5432"
      - target: 9187
        published: 9187
        host_ip: 127.0.0.1
      - target: 8080
        published: 8080
        host_ip: 0.0.0.0
      - target: 81
        host_ip: 127.0.0.1
`);
  assert.deepEqual(
    result.problems.map((p) => `${p.line} ${p.path}: ${p.message}`),
    ['13 services.db.ports.3.host_ip: services.db.ports.3.host_ip: `host_ip` 127.0.0.1 with no `published` port would bind a random host port there, which Baton does not do: give `published`, or remove `host_ip`'],
  );
  const ok = parse(`services:
  db:
    image: postgres
    ports:
      - "127.0.0.1:5432:5432"
      - target: 9187
        published: 9187
        host_ip: 127.0.0.1
      - target: 8080
        published: 8080
        host_ip: 0.0.0.0
`);
  assert.deepEqual(ok.stack?.services[0]?.ports, [
    { target: 5432, published: 5432, protocol: 'tcp', mode: 'ingress', hostIp: '127.0.0.1' },
    { target: 9187, published: 9187, protocol: 'tcp', mode: 'ingress', hostIp: '127.0.0.1' },
    { target: 8080, published: 8080, protocol: 'tcp', mode: 'ingress' },
  ]);
});

test('healthcheck defaults, disable, and the older service-level restart / resources keys', () => {
  const result = parse(`services:
  a:
    image: x
    healthcheck:
      test: ["CMD", "true"]
    restart: on-failure:3
    cpus: 1.5
    mem_limit: 1g
  b:
    image: x
    healthcheck:
      disable: true
    restart: "no"
  c:
    image: x
    healthcheck:
      interval: 5s
`);
  assert.deepEqual(result.problems, []);
  const [a, b, c] = result.stack!.services;
  assert.deepEqual(a?.healthcheck, { test: ['CMD', 'true'], intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 });
  assert.deepEqual(a?.restart, { condition: 'on-failure', delayMs: 0, maxAttempts: 3, windowMs: 0 });
  assert.deepEqual(a?.limits, { nanoCpus: 1_500_000_000, memoryBytes: 1024 ** 3 });
  assert.deepEqual(b?.healthcheck?.test, ['NONE']);
  assert.equal(b?.restart.condition, 'none');
  // No test: the image's own check, with this interval (Docker's Test: []).
  assert.deepEqual(c?.healthcheck, { test: [], intervalMs: 5_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 });
});

test('secrets and configs: long form targets, octal modes as Compose reads them, uid/gid', () => {
  const result = parse(`services:
  app:
    image: x
    secrets:
      - source: key
        target: /etc/app/key.pem
        uid: "1000"
        gid: "1000"
        mode: 0440
    configs:
      - cfg
      - source: cfg
        target: app.toml
        mode: "0600"
secrets:
  key: { file: /etc/baton/key.pem }
configs:
  cfg:
    content: |
      port = 8080
`);
  assert.deepEqual(result.problems, []);
  const app = result.stack!.services[0]!;
  assert.deepEqual(app.secrets, [{ source: 'key', target: '/etc/app/key.pem', uid: '1000', gid: '1000', mode: 0o440 }]);
  assert.deepEqual(app.configs, [
    { source: 'cfg', target: '/cfg', uid: '0', gid: '0', mode: 0o444 },
    { source: 'cfg', target: '/app.toml', uid: '0', gid: '0', mode: 0o600 },
  ]);
  assert.deepEqual(result.stack!.configs, { cfg: { file: null, content: 'port = 8080\n', external: false } });
});

test('autoscale: without deploy.replicas a service starts at min; the policy is read with its defaults', () => {
  const result = parse(`services:
  a:
    image: x
    x-baton:
      autoscale: { min: 2, max: 5, cpu: 60 }
  b:
    image: x
    ports: ["8080:80"]
    deploy: { replicas: 4 }
    x-baton:
      autoscale: { min: 3, max: 6, rps: 100, tolerance: 0.2, scale_up_window: 30s }
`);
  assert.deepEqual(result.problems, []);
  const [a, b] = result.stack!.services;
  assert.equal(a?.replicas, 2);
  assert.deepEqual(a?.autoscale, { min: 2, max: 5, cpuPercent: 60, requestsPerSecond: null, tolerance: 0.1, scaleUpWindowMs: 0, scaleDownWindowMs: 300_000 });
  assert.equal(b?.replicas, 4);
  assert.deepEqual(b?.autoscale, { min: 3, max: 6, cpuPercent: null, requestsPerSecond: 100, tolerance: 0.2, scaleUpWindowMs: 30_000, scaleDownWindowMs: 300_000 });
});

test('autoscale: contradictions and impossible targets are errors at their line', () => {
  const result = parse(`services:
  a:
    image: x
    deploy: { replicas: 20 }
    x-baton:
      autoscale: { min: 2, max: 5, cpu: 60 }
  b:
    image: x
    expose: ["80"]
    x-baton:
      autoscale: { max: 4, rps: 100 }
  c:
    image: x
    x-baton:
      autoscale: { min: 6, max: 3, cpu: 50 }
  d:
    image: x
    x-baton:
      autoscale: { max: 3, cpu: 0 }
  e:
    image: x
    ports: ["8080:80"]
    x-baton:
      autoscale: { max: 3, rps: -5 }
`);
  assert.equal(result.stack, null);
  const at = (path: string) => result.problems.filter((p) => p.path === path);
  const [replicas] = at('services.a.deploy.replicas');
  assert.equal(replicas?.severity, 'error');
  assert.equal(replicas?.line, 4);
  assert.match(replicas!.message, /20 replicas contradicts x-baton.autoscale, whose range is \[2, 5\]: leave deploy.replicas out/);
  const [rps] = at('services.b.x-baton.autoscale.rps');
  assert.match(rps!.message, /publishes no port through it: publish one .* or scale on cpu instead/);
  assert.match(at('services.c.x-baton.autoscale.max')[0]!.message, /must be at least min \(6\)/);
  assert.match(at('services.d.x-baton.autoscale.cpu')[0]!.message, /must be a CPU target per replica, like "70%" or 70 \(percent of one CPU\) \(got 0\)/);
  assert.match(at('services.e.x-baton.autoscale.rps')[0]!.message, /must be a request rate per replica, like 100 \(got -5\)/);
  assert.ok(result.problems.every((p) => p.line > 0), 'each at its line');
});

test('numbers in environment and labels keep the text as written, as Compose passes them', () => {
  const result = parse(`services:
  app:
    image: x
    environment:
      VERSION: 1.10
      MASK: 0x1F
      DEBUG: true
    labels:
      com.example.rev: 007
`);
  assert.deepEqual(result.problems, []);
  const app = result.stack!.services[0]!;
  assert.deepEqual(app.environment, { VERSION: '1.10', MASK: '0x1F', DEBUG: 'true' });
  assert.deepEqual(app.labels, { 'com.example.rev': '007' });
});

test('top-level x-baton placement_strategy', () => {
  const result = parse('services:\n  a:\n    image: x\nx-baton:\n  placement_strategy: binpack\n');
  assert.equal(result.baton?.placementStrategy, 'binpack');
});

test('serviceSpecHash is stable across key order, changes with the image, not with replicas or autoscale', () => {
  const spec = parse(fixture('shop.yaml')).stack!.services[1]!;
  const hash = serviceSpecHash(spec);
  assert.match(hash, /^[0-9a-f]{64}$/);

  const reversed = Object.fromEntries(Object.entries(spec).reverse()) as unknown as ServiceSpec;
  assert.equal(serviceSpecHash(reversed), hash);
  const reorderedEnv = { ...spec, environment: Object.fromEntries(Object.entries(spec.environment).reverse()) };
  assert.equal(serviceSpecHash(reorderedEnv), hash);

  assert.equal(serviceSpecHash({ ...spec, replicas: spec.replicas + 7 }), hash);
  assert.equal(serviceSpecHash({ ...spec, autoscale: null }), hash);
  assert.notEqual(serviceSpecHash({ ...spec, image: 'registry.example.com/shop/api:1.4.3' }), hash);
  assert.notEqual(serviceSpecHash({ ...spec, environment: { ...spec.environment, LOG_LEVEL: 'warn' } }), hash);

  // The same file parsed twice hashes the same.
  assert.equal(serviceSpecHash(parse(fixture('shop.yaml')).stack!.services[1]!), hash);
});
