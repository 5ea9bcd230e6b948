// `baton config`: a stack checked and printed without a control plane, from the files on the
// client's disk (default names, includes, extended files, -f overrides, profiles); and its entry
// stays light: nothing of the control plane, SSH, the Docker client or the database on its path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configOutcome } from '../../electron/server/cli/config-command.ts';
import { findStackFile, readStackInput } from '../../electron/server/cli/stack-files.ts';
import { BatonError } from '../../shared/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-config-'));
mkdirSync(join(dir, 'db'));
mkdirSync(join(dir, 'common'));
writeFileSync(join(dir, 'compose.yaml'), 'include:\n  - path: db/compose.yaml\nservices:\n  Web:\n    extends: { file: common/base.yaml, service: app }\n    image: "web:${TAG}"\n    depends_on: [db]\n  debug:\n    image: busybox\n    profiles: [debug]\n');
writeFileSync(join(dir, 'common', 'base.yaml'), 'services:\n  app:\n    image: app\n    env_file: app.env\n');
writeFileSync(join(dir, 'common', 'app.env'), 'MODE=${MODE:-fast}\n');
writeFileSync(join(dir, 'db', 'compose.yaml'), 'services:\n  db:\n    image: "postgres:${PG}"\n');
writeFileSync(join(dir, 'db', '.env'), 'PG=16\n');
writeFileSync(join(dir, 'prod.yaml'), 'services:\n  Web:\n    deploy: { replicas: 3 }\n');

test('the default file is found by Compose\'s names, compose.yaml first', () => {
  assert.equal(findStackFile(dir), join(dir, 'compose.yaml'));
  const other = mkdtempSync(join(tmpdir(), 'baton-config-'));
  writeFileSync(join(other, 'docker-compose.yml'), 'services: {}\n');
  assert.equal(findStackFile(other), join(other, 'docker-compose.yml'));
  const empty = mkdtempSync(join(tmpdir(), 'baton-config-'));
  assert.throws(() => findStackFile(empty), (e: unknown) => e instanceof BatonError && /looked for compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml/.test(e.message));
});

test('the client reads what the stack loads and names, from where each file says, and the spec comes out normalized', () => {
  const input = readStackInput([], [], dir, { TAG: '2' });
  assert.deepEqual(Object.keys(input.files).sort(), ['common/app.env', 'common/base.yaml', 'db/.env', 'db/compose.yaml']);
  const out = configOutcome(input, false);
  assert.equal(out.exitCode, 0, out.stderr);
  const spec = parseYaml(out.stdout) as { services: { name: string; image: string; environment: Record<string, string>; replicas: number }[] };
  assert.deepEqual(spec.services.map((s) => [s.name, s.image]), [['Web', 'web:2'], ['db', 'postgres:16']]);
  assert.deepEqual(spec.services[0]!.environment, { MODE: 'fast' });
  assert.match(out.stderr, /compose.yaml:10:5: warning: services.debug.profiles: service `debug` is left out/);

  const withProfile = configOutcome(readStackInput(['compose.yaml', 'prod.yaml'], ['debug'], dir, { TAG: '2' }), true);
  const json = JSON.parse(withProfile.stdout) as { stack: { services: { name: string; replicas: number }[] }; warnings: unknown[] };
  assert.deepEqual(json.stack.services.map((s) => [s.name, s.replicas]), [['Web', 3], ['debug', 1], ['db', 1]]);
  assert.deepEqual(json.warnings, []);
  assert.deepEqual(readStackInput([], [], dir, { COMPOSE_PROFILES: 'debug,x' }).profiles, ['debug', 'x']);
});

test('a refused file exits non-zero with each problem at its file and line', () => {
  const bad = mkdtempSync(join(tmpdir(), 'baton-config-'));
  writeFileSync(join(bad, 'compose.yaml'), 'include: [more.yaml]\nservices:\n  web:\n    image: a\n');
  writeFileSync(join(bad, 'more.yaml'), 'services:\n  api:\n    image: b\n    deploy: { replicas: lots }\n');
  const out = configOutcome(readStackInput([], [], bad, {}), false);
  assert.equal(out.exitCode, 1);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /more\.yaml:4:25: error: services\.api\.deploy\.replicas: must be an integer/);
  assert.match(out.stderr, /1 problem: .*compose\.yaml is refused/);
  assert.throws(() => readStackInput(['nope.yaml'], [], bad, {}), /Cannot read nope\.yaml: no such file/);
});

test('the command runs without a control plane, and its start-up path imports none of it', () => {
  const run = spawnSync(process.execPath, [resolve('bin/baton.mjs'), 'config', '--json'], { cwd: dir, env: { ...process.env, TAG: '3' }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { stack: { services: { image: string }[] } }).stack.services[0]!.image, 'web:3');

  // every module config-main.ts reaches by its imports, static or loaded when the command runs
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)\s(?!type\b)[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
    for (const m of specs) {
      const spec = m[1]!;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  walk(resolve('electron/server/cli/config-main.ts'));
  for (const heavy of ['ssh2', 'dockerode', 'docker-modem', 'better-sqlite3', 'electron']) assert.ok(!packages.has(heavy), heavy);
  const reached = [...seen].map((f) => f.slice(resolve('.').length + 1));
  assert.deepEqual(reached.filter((f) => /control-plane\/(hosts|store|reconcile|scheduler|ingress|api|rollout|images|metrics|secrets)\/|control-plane\/index\.ts|server\/serve/.test(f)), []);
  assert.ok(reached.includes('electron/control-plane/stacks/spec/parse-stack.ts'));
});
