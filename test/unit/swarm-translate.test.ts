import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { translateStack } from '../../electron/control-plane/swarm/translate.ts';
import type { StackSpec } from '../../shared/stack.ts';

function parse(text: string, files: Record<string, string> = {}): StackSpec {
  const r = parseStackFile({ text, file: 'stack.yaml', stackName: 'shop', files });
  const errors = r.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors, [], 'the stack parses');
  return r.stack!;
}

const FULL = `
services:
  web:
    image: baton-test/web:1
    entrypoint: ["/bin/web"]
    command: ["--port", "8080"]
    environment:
      MODE: prod
    labels:
      team: shop
    ports:
      - "8080:80"
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://localhost/"]
      interval: 2s
      timeout: 1s
      retries: 3
      start_period: 5s
    stop_grace_period: 20s
    volumes:
      - data:/data
      - type: tmpfs
        target: /cache
        tmpfs:
          size: 64m
    deploy:
      replicas: 3
      resources:
        limits: { cpus: "0.5", memory: 128M }
        reservations: { memory: 64M }
      restart_policy: { condition: on-failure, delay: 3s, max_attempts: 4, window: 1m }
      placement:
        constraints: ["node.role==manager", "node.labels.zone!=b"]
        preferences: [{ spread: node.labels.zone }]
        max_replicas_per_node: 1
      update_config: { parallelism: 2, delay: 1s, order: start-first, failure_action: rollback, monitor: 10s, max_failure_ratio: 0.25 }
      rollback_config: { parallelism: 1, order: stop-first }
volumes:
  data: {}
`;

test('a service becomes a replicated Swarm service named <stack>_<service>, labelled as a docker stack', () => {
  const { services, notes } = translateStack(parse(FULL));
  assert.equal(services.length, 1);
  const web = services[0]!;
  assert.equal(web.Name, 'shop_web');
  assert.equal(web.Labels['com.docker.stack.namespace'], 'shop');
  assert.equal(web.TaskTemplate.ContainerSpec.Labels['com.docker.stack.namespace'], 'shop');
  assert.equal(web.TaskTemplate.ContainerSpec.Labels.team, 'shop');
  assert.deepEqual(web.Mode, { Replicated: { Replicas: 3 } });
  assert.equal(web.TaskTemplate.ContainerSpec.Image, 'baton-test/web:1');
  // Compose entrypoint → Swarm Command, Compose command → Args
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Command, ['/bin/web']);
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Args, ['--port', '8080']);
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Env, ['MODE=prod']);
  assert.equal(web.TaskTemplate.ContainerSpec.StopGracePeriod, 20e9);
  assert.equal(notes.filter((n) => n.severity === 'error').length, 0);
});

test('durations are nanoseconds: healthcheck, restart policy, update and rollback configs', () => {
  const web = translateStack(parse(FULL)).services[0]!;
  assert.deepEqual(web.TaskTemplate.ContainerSpec.Healthcheck, { Test: ['CMD', 'wget', '-q', '-O-', 'http://localhost/'], Interval: 2e9, Timeout: 1e9, Retries: 3, StartPeriod: 5e9 });
  assert.deepEqual(web.TaskTemplate.RestartPolicy, { Condition: 'on-failure', Delay: 3e9, MaxAttempts: 4, Window: 60e9 });
  assert.deepEqual(web.UpdateConfig, { Parallelism: 2, Delay: 1e9, FailureAction: 'rollback', Monitor: 10e9, MaxFailureRatio: 0.25, Order: 'start-first' });
  assert.equal(web.RollbackConfig.Order, 'stop-first');
  assert.equal(web.RollbackConfig.Parallelism, 1);
  assert.notEqual(web.RollbackConfig.FailureAction, 'rollback', 'a rollback cannot itself roll back');
});

test('resources, placement and mounts take Swarm’s shapes', () => {
  const web = translateStack(parse(FULL)).services[0]!;
  assert.deepEqual(web.TaskTemplate.Resources, { Limits: { NanoCPUs: 5e8, MemoryBytes: 128 * 2 ** 20 }, Reservations: { MemoryBytes: 64 * 2 ** 20 } });
  assert.deepEqual(web.TaskTemplate.Placement, {
    Constraints: ['node.role==manager', 'node.labels.zone!=b'],
    Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
    MaxReplicas: 1,
  });
  const [data, cache] = web.TaskTemplate.ContainerSpec.Mounts!;
  assert.equal(data!.Type, 'volume');
  assert.equal(data!.Source, 'shop_data');
  assert.equal(data!.Target, '/data');
  assert.equal(data!.VolumeOptions?.Labels?.['com.docker.stack.namespace'], 'shop');
  assert.deepEqual(cache, { Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 64 * 2 ** 20 } });
});

test('ports are published in host mode, with a warning that they answer only where a task runs', () => {
  const { services, notes } = translateStack(parse(FULL));
  assert.deepEqual(services[0]!.EndpointSpec, { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }] });
  const portNotes = notes.filter((n) => n.path === 'services.web.ports.0');
  assert.equal(portNotes.length, 1, 'max_replicas_per_node: 1, so only the routing-mesh warning');
  assert.equal(portNotes[0]!.severity, 'warning');
  assert.match(portNotes[0]!.message, /host mode/);
});

test('several tasks publishing one port without max_replicas_per_node: 1 are warned of', () => {
  const { notes } = translateStack(parse('services:\n  web:\n    image: nginx:1\n    ports: ["80:80"]\n    deploy: { replicas: 2 }\n'));
  assert.ok(notes.some((n) => n.path === 'services.web.ports.0' && /max_replicas_per_node/.test(n.message)));
});

test('a replica count of 0 and defaults translate without notes', () => {
  const { services, notes } = translateStack(parse('services:\n  job:\n    image: busybox:1\n    deploy: { replicas: 0 }\n'));
  assert.deepEqual(notes, []);
  const job = services[0]!;
  assert.deepEqual(job.Mode, { Replicated: { Replicas: 0 } });
  assert.equal(job.TaskTemplate.ContainerSpec.Command, undefined);
  assert.equal(job.TaskTemplate.ContainerSpec.Env, undefined);
  assert.equal(job.TaskTemplate.Resources, undefined);
  assert.equal(job.TaskTemplate.Placement, undefined);
  assert.deepEqual(job.EndpointSpec.Ports, []);
  assert.equal(job.TaskTemplate.RestartPolicy.MaxAttempts, 0);
});

test('what Swarm cannot run is an error at its path; Baton’s own features are said to be on top', () => {
  const { notes } = translateStack(
    parse(`
services:
  app:
    image: busybox:1
    privileged: true
    x-baton:
      host_access: true
      autoscale: { min: 1, max: 4, cpu: 60 }
    secrets: [token]
    networks: [back]
secrets:
  token: { file: ./token }
networks:
  back: {}
`,
      { './token': 's3cret' },
    ),
  );
  const by = (path: string) => notes.find((n) => n.path === path);
  assert.equal(by('services.app.privileged')?.severity, 'error');
  assert.equal(by('services.app.secrets')?.severity, 'error');
  assert.equal(by('services.app.networks')?.severity, 'error');
  assert.equal(by('services.app.x-baton.autoscale')?.severity, 'onTop');
  assert.ok(notes.every((n) => n.service === 'app'));
});

test('container options map to ContainerSpec fields (extra_hosts become /etc/hosts lines)', () => {
  const web = translateStack(
    parse(`
services:
  app:
    image: busybox:1
    user: "1000:1000"
    working_dir: /srv
    init: true
    read_only: true
    cap_add: [NET_ADMIN]
    x-baton: { host_access: true }
    extra_hosts: ["db.local:10.0.0.5"]
    dns: [1.1.1.1]
    ulimits: { nofile: { soft: 1024, hard: 2048 } }
`),
  ).services[0]!;
  const c = web.TaskTemplate.ContainerSpec;
  assert.equal(c.User, '1000:1000');
  assert.equal(c.Dir, '/srv');
  assert.equal(c.Init, true);
  assert.equal(c.ReadOnly, true);
  assert.deepEqual(c.CapabilityAdd, ['NET_ADMIN']);
  assert.deepEqual(c.Hosts, ['10.0.0.5 db.local']);
  assert.deepEqual(c.DNSConfig, { Nameservers: ['1.1.1.1'] });
  assert.deepEqual(c.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
});

test('a service with build: is refused on a Swarm at its key, saying to push the image', async () => {
  const { parseStackFile } = await import('../../electron/control-plane/stacks/spec/parse-stack.ts');
  const { translateStack } = await import('../../electron/control-plane/swarm/translate.ts');
  const parsed = parseStackFile({ text: 'name: b\nservices:\n  web:\n    build: .\n', file: '/tmp/b/compose.yaml', env: {}, files: {} });
  assert.ok(parsed.stack, JSON.stringify(parsed.problems));
  const notes = translateStack(parsed.stack).notes.filter((n) => n.severity === 'error');
  assert.deepEqual(notes.map((n) => n.path), ['services.web.build']);
  assert.match(notes[0]!.message, /Build and push the image/);
});

test('a start-first update or rollback under max_replicas_per_node is warned of: with every node at the cap Swarm waits for ever', () => {
  const { notes } = translateStack(parse(FULL)); // update start-first, rollback stop-first
  assert.deepEqual(
    notes.filter((n) => /start-first/.test(n.message)).map((n) => n.path),
    ['services.web.deploy.update_config.order'],
  );
  const stopFirst = translateStack(parse(FULL.replace('order: start-first', 'order: stop-first')));
  assert.deepEqual(stopFirst.notes.filter((n) => /start-first/.test(n.message)), [], 'stop-first both ways: nothing to say');
  const uncapped = translateStack(parse(FULL.replace('        max_replicas_per_node: 1\n', '')));
  assert.deepEqual(uncapped.notes.filter((n) => /start-first/.test(n.message)), [], 'no cap: a node always has room');
});
