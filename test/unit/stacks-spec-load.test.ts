// Loading a stack as Compose loads it: include, extends, profiles, depends_on, service names;
// every file comes from what the client sent, and a problem in one is placed in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesNamedBy, parseStackFile, type ParseInput } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { activeProfiles, profilesKeeping } from '../../electron/control-plane/stacks/spec/profiles.ts';
import { mergeService } from '../../electron/control-plane/stacks/spec/compose-merge.ts';

const FILE = '/srv/shop/compose.yaml';

function parse(text: string, files: Record<string, string> = {}, options: Partial<ParseInput> = {}) {
  return parseStackFile({ text, file: FILE, env: {}, files, ...options });
}

function places(problems: { file: string; line: number; severity: string; path: string }[]): string[] {
  return problems.map((p) => `${p.file}:${p.line} ${p.severity} ${p.path}`);
}

test('extends in the same file: the base merged under the service, the local values winning', () => {
  const text = [
    'services:',
    '  base:',
    '    image: app:1',
    '    environment: { A: "1", B: "1" }',
    '    ports: ["80"]',
    '    command: ["serve", "--slow"]',
    '  web:',
    '    extends: base',
    '    environment: [B=2, C=3]',
    '    ports: ["81"]',
    '    command: serve',
    '',
  ].join('\n');
  const { stack, problems } = parse(text);
  assert.deepEqual(problems, []);
  const web = stack!.services.find((s) => s.name === 'web')!;
  assert.equal(web.image, 'app:1');
  assert.deepEqual(web.environment, { A: '1', B: '2', C: '3' });
  assert.deepEqual(web.ports.map((p) => p.target), [80, 81]);
  assert.deepEqual(web.command, ['serve']);
});

test('extends from another file: resolved from the file that says it, its paths rebased, its problems placed in it', () => {
  const text = ['services:', '  web:', '    extends: { file: common/base.yaml, service: app }', '    image: web:2', ''].join('\n');
  const base = ['services:', '  app:', '    image: app:1', '    env_file: app.env', '    volumes: ["./data:/data"]', '    deploy: { replicas: many }', ''].join('\n');
  const named = filesNamedBy({ text, file: FILE, env: {}, files: { 'common/base.yaml': base } });
  assert.deepEqual(named.map((n) => n.path), ['common/app.env']);
  const { stack, problems } = parse(text, { 'common/base.yaml': base, 'common/app.env': 'X=1\n' });
  assert.equal(stack, null);
  assert.deepEqual(places(problems), ['/srv/shop/common/base.yaml:6 error services.web.deploy.replicas']);
  const fixed = parse(text, { 'common/base.yaml': base.replace('many', '2'), 'common/app.env': 'X=1\n' });
  assert.deepEqual(fixed.problems, []);
  const web = fixed.stack!.services[0]!;
  assert.equal(web.image, 'web:2');
  assert.equal(web.replicas, 2);
  assert.deepEqual(web.environment, { X: '1' });
  assert.equal(web.volumes[0]!.source, '/srv/shop/common/data');
});

test('extends: a file not sent, a service not there, and a circle are refused, each with its chain or hint', () => {
  const notSent = parse(['services:', '  web:', '    extends: { file: base.yaml, service: app }', ''].join('\n'));
  assert.match(notSent.problems.find((p) => p.path === 'services.web.extends.file')!.message, /the extended file \/srv\/shop\/base.yaml was not sent with the stack/);
  assert.deepEqual(notSent.unsentFiles, ['base.yaml']);

  const missing = parse(['services:', '  web:', '    image: x', '    extends: wbe', ''].join('\n'));
  assert.match(missing.problems[0]!.message, /extends service `wbe`, which is not defined/);

  const circle = parse(['services:', '  a:', '    image: x', '    extends: b', '  b:', '    extends: { service: c }', '  c:', '    extends: a', ''].join('\n'));
  assert.equal(circle.stack, null);
  const messages = circle.problems.map((p) => p.message).filter((m) => m.includes('circle'));
  assert.ok(messages.length >= 1);
  assert.match(messages[0]!, /a \(\/srv\/shop\/compose.yaml\) → b \(\/srv\/shop\/compose.yaml\) → c \(\/srv\/shop\/compose.yaml\) → a/);
});

test('include, short and long form: the included services and declarations join the stack; a conflict is refused', () => {
  const text = ['include:', '  - db/compose.yaml', '  - path: cache.yaml', '    env_file: cache.env', 'services:', '  web:', '    image: web', '    depends_on: [db, cache]', ''].join('\n');
  const db = ['services:', '  db:', '    image: postgres', '    volumes: [data:/var/lib/postgresql/data]', '    env_file: db.env', 'volumes:', '  data: {}', ''].join('\n');
  const cache = ['services:', '  cache:', '    image: "redis:${REDIS_TAG}"', ''].join('\n');
  const named = filesNamedBy({ text, file: FILE, env: {}, files: { 'db/compose.yaml': db, 'cache.yaml': cache, 'cache.env': 'REDIS_TAG=7\n' } });
  assert.deepEqual(named.map((n) => [n.path, n.required]), [['db/.env', false], ['db/db.env', true]]);
  const { stack, problems } = parse(text, { 'db/compose.yaml': db, 'cache.yaml': cache, 'cache.env': 'REDIS_TAG=7\n', 'db/db.env': 'P=1\n' });
  assert.deepEqual(problems, []);
  assert.deepEqual(stack!.services.map((s) => s.name), ['web', 'db', 'cache']);
  assert.equal(stack!.services[2]!.image, 'redis:7');
  assert.deepEqual(stack!.services[1]!.environment, { P: '1' });
  assert.deepEqual(Object.keys(stack!.volumes), ['data']);
  assert.deepEqual(stack!.services[0]!.dependsOn, [
    { service: 'db', condition: 'service_started', required: true, restart: false },
    { service: 'cache', condition: 'service_started', required: true, restart: false },
  ]);

  const conflict = parse(['include: [other.yaml]', 'services:', '  web:', '    image: a', ''].join('\n'), { 'other.yaml': 'services:\n  web:\n    image: b\n' });
  assert.equal(conflict.stack, null);
  assert.match(conflict.problems[0]!.message, /service `web` is defined both in \/srv\/shop\/compose.yaml and in the included \/srv\/shop\/other.yaml/);
  assert.equal(conflict.problems[0]!.line, 1);
});

test('include: a problem in the included file is placed there; an include circle is refused with the chain', () => {
  const bad = parse('include: [sub/x.yaml]\nservices:\n  web:\n    image: a\n', { 'sub/x.yaml': 'services:\n  api:\n    image: b\n    links: [db]\n' });
  assert.deepEqual(places(bad.problems), ['/srv/shop/sub/x.yaml:4 error services.api.links']);

  const syntax = parse('include: [x.yaml]\nservices:\n  web:\n    image: a\n', { 'x.yaml': 'services:\n  api: [\n' });
  assert.equal(syntax.stack, null);
  assert.equal(syntax.problems[0]!.file, '/srv/shop/x.yaml');

  const circle = parse('include: [a.yaml]\nservices:\n  web:\n    image: a\n', { 'a.yaml': 'include: [compose.yaml]\nservices:\n  api:\n    image: b\n' });
  assert.equal(circle.stack, null);
  const p = circle.problems.find((q) => q.message.includes('includes this file again'))!;
  assert.equal(p.file, '/srv/shop/a.yaml');
  assert.match(p.message, /\/srv\/shop\/compose.yaml → \/srv\/shop\/a.yaml → \/srv\/shop\/compose.yaml/);
});

test('profiles: a service is deployed when one of its profiles is active, or "*"; COMPOSE_PROFILES adds to --profile', () => {
  const text = 'services:\n  web:\n    image: a\n  debug:\n    image: b\n    profiles: [debug, tools]\n';
  assert.deepEqual(parse(text).stack!.services.map((s) => s.name), ['web']);
  assert.match(parse(text).problems[0]!.message, /service `debug` is left out: none of its profiles \(debug, tools\) is active/);
  assert.deepEqual(parse(text, {}, { profiles: ['tools'] }).stack!.services.map((s) => s.name), ['web', 'debug']);
  assert.deepEqual(parse(text, {}, { profiles: ['*'] }).problems, []);
  assert.deepEqual(activeProfiles(['a'], 'b, a,,c'), ['a', 'b', 'c']);

  const needs = parse('services:\n  web:\n    image: a\n    depends_on: { debug: { condition: service_healthy } }\n  debug:\n    image: b\n    profiles: [debug]\n');
  assert.equal(needs.stack, null);
  assert.match(needs.problems.find((p) => p.severity === 'error')!.message, /depends on `debug`, which is left out: .*--profile debug/);
});

test('depends_on: the long form kept in the spec; an unknown service and a circle are refused; no depends_on leaves the field out', () => {
  const long = parse('services:\n  web:\n    image: a\n    depends_on:\n      db: { condition: service_healthy, restart: true }\n      opt: { condition: service_started, required: false }\n  db:\n    image: b\n');
  assert.deepEqual(long.problems, []);
  assert.deepEqual(long.stack!.services[0]!.dependsOn, [{ service: 'db', condition: 'service_healthy', required: true, restart: true }]);
  assert.equal('dependsOn' in long.stack!.services[1]!, false);

  const unknown = parse('services:\n  web:\n    image: a\n    depends_on: [dv]\n  db:\n    image: b\n');
  assert.match(unknown.problems[0]!.message, /depends on `dv`, which is not a service of this stack/);
  assert.equal(unknown.problems[0]!.line, 4);

  const circle = parse('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n');
  assert.equal(circle.stack, null);
  assert.deepEqual(circle.problems.map((p) => p.message), ['services.c.depends_on.0: `depends_on` goes round in a circle: a → b → c → a; a service can\'t start after itself: remove one of these dependencies']);
});

test('service names: capitals are taken; a "." and names differing only in case are refused', () => {
  assert.deepEqual(parse('services:\n  WebApp:\n    image: a\n').problems, []);
  assert.match(parse('services:\n  web.1:\n    image: a\n').problems[0]!.message, /"\." separates the parts of a replica's name/);
  const twins = parse('services:\n  web:\n    image: a\n  Web:\n    image: b\n');
  assert.equal(twins.stack, null);
  assert.match(twins.problems[0]!.message, /service names `web` and `Web` differ only in case/);
});

test('Compose merge rules: mounts by target, maps key by key, lists joined without repeats', () => {
  const merged = mergeService(
    { volumes: ['a:/data', 'b:/logs'], labels: ['x=1'], dns: ['1.1.1.1'], healthcheck: { test: ['CMD', 'a'], interval: '5s' } },
    { volumes: ['c:/data'], labels: { y: '2' }, dns: ['1.1.1.1', '8.8.8.8'], healthcheck: { test: ['CMD', 'b'] } },
  );
  assert.deepEqual(merged, {
    volumes: ['b:/logs', 'c:/data'],
    labels: { x: '1', y: '2' },
    dns: ['1.1.1.1', '8.8.8.8'],
    healthcheck: { test: ['CMD', 'b'], interval: '5s' },
  });
});

test('!reset drops what the base gave, !override replaces it instead of merging, in extends and in -f files', () => {
  const text = [
    'services:',
    '  base:',
    '    image: app',
    '    command: ["serve", "--slow"]',
    '    ports: ["80", "81"]',
    '    environment: { A: "1", B: "1" }',
    '  web:',
    '    extends: base',
    '    command: !reset null',
    '    ports: !override ["82"]',
    '',
  ].join('\n');
  const { stack, problems } = parse(text);
  assert.deepEqual(problems, []);
  const web = stack!.services.find((s) => s.name === 'web')!;
  assert.equal(web.command, null);
  assert.deepEqual(web.ports.map((p) => p.target), [82]);

  const over = parse(text, { 'prod.yaml': 'services:\n  base:\n    environment: !override { C: "3" }\n    ports: !reset []\n' }, { overrides: ['prod.yaml'] });
  assert.deepEqual(over.problems, []);
  const base = over.stack!.services.find((s) => s.name === 'base')!;
  assert.deepEqual(base.environment, { C: '3' });
  assert.deepEqual(base.ports, []);
});

test('loading is bounded: a long chain of extends and a file that includes many are refused, saying the bound', () => {
  const lines = ['services:', '  s0:', '    image: x'];
  for (let i = 1; i <= 40; i++) lines.push(`  s${i}:`, `    extends: s${i - 1}`);
  const deep = parse(lines.join('\n') + '\n');
  assert.equal(deep.stack, null);
  assert.ok(deep.problems.some((p) => p.path === 'services.s33.extends' && /`extends` chains more than 32 services deep/.test(p.message)), deep.problems.map((p) => p.message).join('\n'));

  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`f${i}.yaml`] = `services:\n  s${i}:\n    image: x\n`;
  const many = parse(`include: [${Object.keys(files).join(', ')}]\nservices:\n  web:\n    image: a\n`, files);
  assert.equal(many.stack, null);
  assert.match(many.problems[0]!.message, /the stack loads more than 32 files/);
});

test('an included file\'s secret files and bind mounts are found from its own folder (or its project_directory)', () => {
  const text = 'include:\n  - path: db/compose.yaml\n  - path: cache/compose.yaml\n    project_directory: shared\nservices:\n  web:\n    image: a\n';
  const db = 'services:\n  db:\n    image: postgres\n    secrets: [pw]\n    volumes: ["./data:/var/lib/data"]\nsecrets:\n  pw: { file: ./pw.txt }\n';
  const cache = 'services:\n  cache:\n    image: redis\n    env_file: cache.env\n';
  const named = filesNamedBy({ text, file: FILE, env: {}, files: { 'db/compose.yaml': db, 'cache/compose.yaml': cache } });
  assert.deepEqual(named.map((n) => n.path).sort(), ['db/.env', 'db/pw.txt', 'shared/.env', 'shared/cache.env']);
  const { stack, problems } = parse(text, { 'db/compose.yaml': db, 'cache/compose.yaml': cache, 'db/pw.txt': 's3cret', 'shared/cache.env': 'C=1\n' });
  assert.deepEqual(problems, []);
  const dbSpec = stack!.services.find((s) => s.name === 'db')!;
  assert.equal(dbSpec.volumes[0]!.source, '/srv/shop/db/data');
  assert.deepEqual(stack!.services.find((s) => s.name === 'cache')!.environment, { C: '1' });
});

test('a build context written in another folder\'s file is that folder\'s: extends and include, short and long form', () => {
  const base = [
    'services:',
    '  short: { build: ./api }',
    '  long: { build: { context: api, dockerfile: docker/Dockerfile, args: { A: "1" } } }',
    '  here: { build: { args: { A: "1" } } }',
    '  absolute: { build: /opt/ctx }',
    '  remote: { build: "https://example.com/app.git" }',
    '',
  ].join('\n');
  const ext = (name: string) => `  ${name}:\n    extends: { file: common/base.yaml, service: ${name} }\n`;
  const text = ['services:', ...['short', 'long', 'here', 'absolute'].map(ext), '  again:', '    extends: short', ''].join('\n');
  const { stack, problems } = parse(text, { 'common/base.yaml': base });
  assert.deepEqual(problems, []);
  const build = (name: string) => stack!.services.find((s) => s.name === name)!.build!;
  assert.equal(build('short').context, 'common/api');
  assert.deepEqual([build('long').context, build('long').dockerfile, build('long').args], ['common/api', 'docker/Dockerfile', { A: '1' }]);
  assert.equal(build('here').context, 'common', 'the long form without a context builds the folder of its file');
  assert.equal(build('absolute').context, '/opt/ctx');
  assert.equal(build('again').context, 'common/api', 'extended again in the stack file, it keeps the rebased context');
  // a URL stays as written, and is still refused as one
  const remote = parse(ext('remote').replace(/^/, 'services:\n'), { 'common/base.yaml': base });
  assert.match(remote.problems.map((p) => p.message).join('\n'), /the build context `https:\/\/example.com\/app.git` is a URL/);
  // an included file's service builds from the included file's folder
  const included = parse('include: [db/compose.yaml]\nservices:\n  web:\n    image: a\n', { 'db/compose.yaml': 'services:\n  db:\n    build: .\n' });
  assert.deepEqual(included.problems, []);
  assert.equal(included.stack!.services.find((s) => s.name === 'db')!.build!.context, 'db');
});

test('an edit keeps the services a profile brought in: the profiles of those deployed now', () => {
  const services = { web: { image: 'a' }, debug: { image: 'b', profiles: ['debug', 'tools'] }, extra: { image: 'c', profiles: ['extra'] } };
  assert.deepEqual(profilesKeeping(services, new Set(['web', 'debug'])), ['debug']);
  assert.deepEqual(profilesKeeping(services, new Set(['web'])), []);
  assert.deepEqual(profilesKeeping(null, new Set(['web'])), []);
});

test('depends_on is part of a revision, not of the container: a file that gains it keeps its replicas', async () => {
  const { containerSpecHash, serviceSpecHash } = await import('../../electron/control-plane/stacks/spec/spec-hash.ts');
  const before = parse('services:\n  web:\n    image: a\n  db:\n    image: b\n').stack!.services[0]!;
  const after = parse('services:\n  web:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n').stack!.services[0]!;
  assert.notEqual(serviceSpecHash(after), serviceSpecHash(before));
  assert.equal(containerSpecHash(after), containerSpecHash(before));
});
