import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpecProblem } from '../../shared/stack.ts';
import { parseStackFile, type ParseInput } from '../../electron/control-plane/stacks/spec/parse-stack.ts';

function parse(text: string, options: Partial<ParseInput> = {}) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env: {}, ...options });
}

/** "line:column severity path" for each problem, to compare places at a glance. */
function places(problems: SpecProblem[]): string[] {
  return problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.path}`);
}

function only(problems: SpecProblem[], path: string): SpecProblem {
  const found = problems.filter((p) => p.path === path);
  assert.equal(found.length, 1, `one problem at ${path}, got: ${JSON.stringify(problems, null, 2)}`);
  return found[0]!;
}

test('malformed YAML: a syntax problem with the line and column from the YAML library, and no stack', () => {
  const result = parse(['services:', '  web:', '    image: nginx', '    ports: [80, 443', '  api:', '    image: x', ''].join('\n'));
  assert.equal(result.stack, null);
  assert.ok(result.problems.length >= 1);
  const first = result.problems[0]!;
  assert.equal(first.severity, 'error');
  assert.equal(first.file, '/srv/shop/stack.yaml');
  assert.match(first.message, /^YAML syntax: Flow sequence .* end with a \]$/);
  assert.deepEqual([first.line, first.column], [5, 3]); // where the library finds the list still open
});

test('malformed YAML: a duplicate key is placed on the second one', () => {
  const result = parse('services:\n  web:\n    image: a\n  web:\n    image: b\n');
  assert.deepEqual(places(result.problems), ['4:3 error ']);
  assert.match(result.problems[0]!.message, /Map keys must be unique/);
});

test('a schema violation deep in the tree is placed at the offending node', () => {
  const text = [
    'services:', //                                1
    '  web:', //                                   2
    '    image: nginx', //                         3
    '    deploy:', //                              4
    '      rollback_config:', //                   5
    '        order: sideways', //                  6
    '      resources:', //                         7
    '        limits:', //                          8
    '          memory: 512', //                    9
    '',
  ].join('\n');
  const result = parse(text);
  assert.equal(result.stack, null);
  const order = only(result.problems, 'services.web.deploy.rollback_config.order');
  assert.deepEqual([order.line, order.column], [6, 16]);
  assert.equal(order.message, 'services.web.deploy.rollback_config.order: must be one of "start-first", "stop-first" (got "sideways")');
  const memory = only(result.problems, 'services.web.deploy.resources.limits.memory');
  assert.deepEqual([memory.line, memory.column], [9, 19]);
  assert.equal(memory.message, 'services.web.deploy.resources.limits.memory: must be a string (got 512)');
  assert.equal(result.problems.length, 2);
});

test('a value that fits none of the forms Compose allows gets one problem, not one per form', () => {
  const result = parse(['services:', '  web:', '    image: nginx', '    environment:', '      A: { nested: 1 }', '    command: 42', ''].join('\n'));
  assert.deepEqual(places(result.problems), ['5:10 error services.web.environment.A', '6:14 error services.web.command']);
  assert.match(result.problems[0]!.message, /must be a string, a number, true\/false or empty \(got a map\)/);
  assert.match(result.problems[1]!.message, /services\.web\.command: must be empty, a string or a list \(got 42\)/);
});

test('a mistyped key: not part of the Compose spec, with the closest known key, at the key itself', () => {
  const text = ['service:', '  web:', '    image: nginx', '    helthcheck:', '      test: ["CMD", "true"]', '    deploy:', '      replica: 2', ''].join('\n');
  const result = parse(text);
  assert.equal(result.stack, null);
  const top = only(result.problems, 'service');
  assert.deepEqual([top.line, top.column], [1, 1]);
  assert.equal(top.message, 'service: `service` is not part of the Compose spec as a top-level key (did you mean `services`?)');

  const fresh = parse(['services:', '  web:', '    image: nginx', '    helthcheck:', '      test: ["CMD", "true"]', '    deploy:', '      replica: 2', ''].join('\n'));
  const key = only(fresh.problems, 'services.web.helthcheck');
  assert.deepEqual([key.line, key.column], [4, 5]);
  assert.equal(key.message, 'services.web.helthcheck: `helthcheck` is not part of the Compose spec as a service key (did you mean `healthcheck`?)');
  const nested = only(fresh.problems, 'services.web.deploy.replica');
  assert.deepEqual([nested.line, nested.column], [7, 7]);
  assert.match(nested.message, /`replica` is not part of the Compose spec as a key here \(did you mean `replicas`\?\)/);

  const far = parse('services:\n  web:\n    image: nginx\n    zzzzzz: 1\n');
  assert.match(only(far.problems, 'services.web.zzzzzz').message, /not part of the Compose spec as a service key; your own keys must start with "x-"$/);
});

test('two services publishing one port: an error at both places, each naming the other service', () => {
  const text = [
    'services:', //                     1
    '  web:', //                        2
    '    image: nginx', //              3
    '    ports: ["8080:80"]', //        4
    '  admin:', //                      5
    '    image: admin', //              6
    '    ports:', //                    7
    '      - target: 3000', //          8
    '        published: 8080', //       9
    '      - "8080:3000/udp"', //       10 (udp: no conflict)
    '',
  ].join('\n');
  const result = parse(text);
  assert.equal(result.stack, null);
  assert.deepEqual(places(result.problems), ['4:13 error services.web.ports.0', '8:9 error services.admin.ports.0']);
  assert.match(result.problems[0]!.message, /published port 8080\/tcp is also published by service `admin` \(services\.admin\.ports\.0\)/);
  assert.match(result.problems[1]!.message, /published port 8080\/tcp is also published by service `web` \(services\.web\.ports\.0\)/);
});

test('undeclared secret, config, volume and network: each at its place, with a suggestion when close', () => {
  const text = [
    'services:', //                          1
    '  app:', //                             2
    '    image: x', //                       3
    '    secrets: [db_pasword]', //          4
    '    configs: [nginx]', //               5
    '    volumes:', //                       6
    '      - cache:/var/cache', //           7
    '      - type: volume', //               8
    '        source: uploadz', //            9
    '        target: /up', //                10
    '    networks: [front, backend]', //     11
    'secrets:', //                           12
    '  db_password: { file: ./pw }', //      13
    'volumes:', //                           14
    '  uploads: {}', //                      15
    'networks:', //                          16
    '  front: {}', //                        17
    '',
  ].join('\n');
  const result = parse(text, { files: { './pw': 'x' } });
  assert.equal(result.stack, null);
  assert.deepEqual(places(result.problems), [
    '4:15 error services.app.secrets.0',
    '5:15 error services.app.configs.0',
    '7:9 error services.app.volumes.0',
    '9:17 error services.app.volumes.1.source',
    '11:23 error services.app.networks.1',
  ]);
  const [secret, config, volume, volume2, network] = result.problems;
  assert.match(secret!.message, /secret `db_pasword` is not declared: add it under the top-level `secrets:` key \(did you mean `db_password`\?\)/);
  assert.match(config!.message, /config `nginx` is not declared: add it under the top-level `configs:` key$/);
  assert.match(volume!.message, /volume `cache` is not declared/);
  assert.match(volume2!.message, /volume `uploadz` is not declared.*\(did you mean `uploads`\?\)/);
  assert.match(network!.message, /network `backend` is not declared: add it under the top-level `networks:` key/);
});

test('bad durations and sizes are reported at their line', () => {
  const text = [
    'services:', //                          1
    '  app:', //                             2
    '    image: x', //                       3
    '    stop_grace_period: 10 seconds', //  4
    '    healthcheck:', //                   5
    '      test: ["CMD", "true"]', //        6
    '      interval: 1m30', //               7
    '    deploy:', //                        8
    '      resources:', //                   9
    '        limits:', //                    10
    '          memory: 2 gigs', //           11
    '          cpus: half', //               12
    '      update_config:', //               13
    '        delay: soon', //                14
    '',
  ].join('\n');
  const result = parse(text);
  assert.deepEqual(places(result.problems), [
    '4:24 error services.app.stop_grace_period',
    '7:17 error services.app.healthcheck.interval',
    '11:19 error services.app.deploy.resources.limits.memory',
    '12:17 error services.app.deploy.resources.limits.cpus',
    '14:16 error services.app.deploy.update_config.delay',
  ]);
  assert.equal(result.problems[0]!.message, 'services.app.stop_grace_period: must be a duration like "10s", "1m30s" or "500ms" (got "10 seconds")');
  assert.equal(result.problems[2]!.message, 'services.app.deploy.resources.limits.memory: must be a size like "512M", "1g" or "100mb" (got "2 gigs")');
  assert.match(result.problems[3]!.message, /must be a number of CPUs like 0\.5 or "2" \(got "half"\)/);
});

test('replicas that is not a number: said as the person wrote it', () => {
  const result = parse('services:\n  web:\n    image: x\n    deploy:\n      replicas: three\n');
  assert.deepEqual(places(result.problems), ['5:17 error services.web.deploy.replicas']);
  assert.equal(result.problems[0]!.message, 'services.web.deploy.replicas: must be an integer (got "three")');
  const negative = parse('services:\n  web:\n    image: x\n    deploy:\n      replicas: -1\n');
  assert.equal(negative.problems[0]!.message, 'services.web.deploy.replicas: must be at least 0 (got -1)');
});

test('all problems are reported at once: a file with 4 distinct errors gives 4 problems', () => {
  const text = [
    'services:', //                                   1
    '  web:', //                                      2
    '    image: nginx', //                            3
    '    build: { context: ., no_cache: true }', //   4  unsupported
    '    ports: ["10.1.1.1:80:80"]', //               5  one machine's address
    '    deploy:', //                                 6
    '      replicas: many', //                        7  not an integer
    '  Worker.1:', //                                 8  bad service name
    '    image: worker', //                           9
    '',
  ].join('\n');
  const result = parse(text);
  assert.equal(result.stack, null);
  assert.deepEqual(places(result.problems), [
    '4:26 error services.web.build.no_cache',
    '5:13 error services.web.ports.0',
    '7:17 error services.web.deploy.replicas',
    '8:3 error services.Worker.1',
  ]);
  assert.match(result.problems[3]!.message, /service name `Worker.1` must match \^\[a-zA-Z0-9\]\[a-zA-Z0-9_-\]\{0,62\}\$/);
});

test('x-baton problems are placed at their line: unknown keys with a suggestion, min above max, no target', () => {
  const text = [
    'services:', //                      1
    '  api:', //                         2
    '    image: x', //                   3
    '    x-baton:', //                   4
    '      autoscale:', //               5
    '        min: 4', //                 6
    '        max: 2', //                 7
    '        cpu: 70%', //               8
    '        scale_dwn_window: 5m', //   9
    '      rollout:', //                 10
    '        rebalance: lots', //        11
    '  web:', //                         12
    '    image: x', //                   13
    '    x-baton:', //                   14
    '      autoscale: { max: 3 }', //    15
    'x-baton:', //                       16
    '  placement_strategy: random', //   17
    '',
  ].join('\n');
  const result = parse(text);
  assert.equal(result.stack, null);
  assert.deepEqual(places(result.problems), [
    '7:14 error services.api.x-baton.autoscale.max',
    '9:9 error services.api.x-baton.autoscale.scale_dwn_window',
    '11:20 error services.api.x-baton.rollout.rebalance',
    '15:18 error services.web.x-baton.autoscale',
    '17:23 error x-baton.placement_strategy',
  ]);
  const [max, unknown, surge, target, strategy] = result.problems;
  assert.match(max!.message, /must be at least min \(4\) \(got 2\)/);
  assert.match(unknown!.message, /`scale_dwn_window` is not a Baton setting here \(did you mean `scale_down_window`\?\)/);
  assert.match(surge!.message, /must be true or false \(got "lots"\)/);
  assert.match(target!.message, /needs a target to scale on/);
  assert.match(strategy!.message, /must be "spread" or "binpack" \(got "random"\)/);
});

test('reservations above limits, and a label in Baton\'s own namespace', () => {
  const text = [
    'services:',
    '  db:',
    '    image: postgres',
    '    labels: { baton.stack: other }',
    '    deploy:',
    '      resources:',
    '        limits: { cpus: "1", memory: 1g }',
    '        reservations: { cpus: "2", memory: 2g }',
    '',
  ].join('\n');
  const result = parse(text);
  assert.deepEqual(places(result.problems), [
    '4:15 error services.db.labels.baton.stack',
    '8:31 error services.db.deploy.resources.reservations.cpus',
    '8:44 error services.db.deploy.resources.reservations.memory',
  ]);
  assert.match(result.problems[1]!.message, /reserves 2 CPUs, more than the limit of 1/);
});

test('an env_file that was not sent with the stack is an error at its entry; one marked required: false is skipped', () => {
  const text = 'services:\n  app:\n    image: x\n    env_file:\n      - ./missing.env\n      - path: ./optional.env\n        required: false\n';
  const result = parse(text);
  assert.deepEqual(places(result.problems), ['5:9 error services.app.env_file.0']);
  assert.match(result.problems[0]!.message, /env file \.\/missing\.env was not sent with the stack: the control plane reads no file a stack names/);
  assert.deepEqual(result.unsentFiles, ['./missing.env']);
});

test('env files are looked up by their path as written, "./a.env" and "a.env" alike; nothing is read from disk', () => {
  const text = 'services:\n  app:\n    image: x\n    env_file: [./a.env, sub/../b.env]\n';
  const result = parse(text, { files: { 'a.env': 'A=1', './b.env': 'B=2' } });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.stack!.services[0]!.environment, { A: '1', B: '2' });
  // a path on this machine that exists is still "not sent": the parser reads no file
  const etc = parse('services:\n  app:\n    image: x\n    env_file: /etc/hostname\n');
  assert.match(etc.problems[0]!.message, /env file \/etc\/hostname was not sent with the stack/);
});

test('a problem inside an env_file is placed in that file, and never quotes it', () => {
  const text = 'services:\n  app:\n    image: x\n    env_file: app.env\n';
  const secret = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ';
  const content = `GOOD=1\n-----BEGIN OPENSSH PRIVATE KEY-----\nQUOTE="open ${secret}\n`;
  const result = parse(text, { files: { 'app.env': content } });
  assert.deepEqual(
    result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.severity}`),
    ['/srv/shop/app.env:2:1 error', '/srv/shop/app.env:3:1 error'],
  );
  assert.match(result.problems[0]!.message, /this line is not KEY=VALUE/);
  assert.match(result.problems[1]!.message, /opens a double quote it never closes/);
  const said = JSON.stringify(result.problems);
  for (const piece of ['BEGIN OPENSSH', 'PRIVATE KEY', secret.slice(0, 12), 'QUOTE', 'GOOD']) assert.ok(!said.includes(piece), `a problem quotes "${piece}"`);
});

test('interpolation problems inside an env_file say what is wrong without quoting the value', () => {
  const text = 'services:\n  app:\n    image: x\n    env_file: app.env\n';
  const result = parse(text, { files: { 'app.env': 'TOKEN=s3cr3t-${NOT_SET:?tell-nobody}\nOTHER=${1bad}x\nMAYBE=$UNSET_ONE\n' } });
  assert.deepEqual(result.problems.map((p) => `${p.line} ${p.severity}`), ['1 error', '2 error', '3 warning']);
  assert.match(result.problems[0]!.message, /needs a variable that is not set/);
  assert.match(result.problems[1]!.message, /not a valid variable/);
  assert.match(result.problems[2]!.message, /not set: it becomes an empty string/);
  const said = JSON.stringify(result.problems);
  for (const piece of ['s3cr3t', 'tell-nobody', 'NOT_SET', '1bad', 'UNSET_ONE', 'TOKEN']) assert.ok(!said.includes(piece), `a problem quotes "${piece}"`);
});

test('a stack opened without a folder (the app sends "compose.yaml") names its env files as written', () => {
  const result = parseStackFile({ text: 'services:\n  app:\n    image: x\n    env_file: ./app.env\n', file: 'compose.yaml', stackName: 'app', files: { './app.env': 'not a line' } });
  assert.deepEqual(result.problems.map((p) => `${p.file}:${p.line}`), ['app.env:1']);
});

test('an empty file, a list, and a file without services', () => {
  assert.match(parse('').problems[0]!.message, /a stack file is a map with a `services:` key/);
  assert.match(parse('- a\n- b\n').problems[0]!.message, /a stack file is a map/);
  const none = parse('name: x\n');
  assert.equal(none.stack, null);
  assert.match(none.problems[0]!.message, /the stack has no services/);
});
