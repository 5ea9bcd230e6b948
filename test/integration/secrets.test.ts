// Secrets and configs on real lab hosts: a secret made with `baton secret create` and a stack's
// own, and a config, delivered as files with their owner and mode; a rotation rolls the service
// out and its replicas see the new value; `secret rm` is refused while it is used; and then no
// value anywhere it must not be: the SQLite file, the events, the control plane's log, `docker
// inspect` of every container on every host, and every file on the hosts' disks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from '../../electron/control-plane/index.ts';
import { createLogger } from '../../electron/control-plane/log.ts';
import type { ConfigInfo, ReplicaStatus } from '../../shared/api.ts';
import { IMAGES } from '../lab/layout.ts';
import { dockerCli, readLab, type LabHost, type LabInfo } from '../lab/lab.ts';
import { call, expectError, until } from './helpers.ts';

const STACK = 'secrets-it';
const SERVICE = `${STACK}/app`;
const value1 = `sv1-${randomBytes(16).toString('hex')}`;
const value2 = `sv2-${randomBytes(16).toString('hex')}`;
const own = `own-${randomBytes(16).toString('hex')}`;
const configText = `listen = 8080\nmarker = cfg-${randomBytes(6).toString('hex')}\n`;
const digest = (v: string) => createHash('sha256').update(v).digest('hex');
const b64 = (v: string) => Buffer.from(v).toString('base64');

let lab: LabInfo;
let plane: ControlPlane;
let home: string;
const logFile = join(mkdtempSync(join(tmpdir(), 'baton-secrets-log-')), 'serve.log');

const source = `services:
  app:
    image: ${IMAGES.web1}
    deploy:
      replicas: 3
      update_config: { parallelism: 1, order: start-first, monitor: 1s }
    healthcheck:
      test: ["CMD-SHELL", "test -s /run/secrets/token && test -s /run/secrets/own"]
      interval: 500ms
      timeout: 2s
      retries: 2
    secrets:
      - source: token
        uid: "1000"
        gid: "1000"
        mode: 0400
      - own
    configs:
      - source: cfg
        target: /etc/app/app.conf
        mode: 0440
secrets:
  token: { external: true }
  own: { environment: IT_OWN }
configs:
  cfg:
    content: |
${configText.trimEnd().split('\n').map((l) => `      ${l}`).join('\n')}
`;

async function containersOf(h: LabHost, label: string): Promise<string[]> {
  return (await dockerCli(h, ['ps', '-aq', '--no-trunc', '--filter', `label=${label}`])).stdout.split('\n').filter(Boolean);
}

async function sh(h: LabHost, id: string, script: string): Promise<string> {
  const out = await dockerCli(h, ['exec', id, 'sh', '-c', script]);
  return out.stdout.trim();
}

/** Per running replica of the stack: what it sees of its files (digests, never values). */
async function seen(): Promise<{ host: string; token: string; own: string; stat: string; cfg: string; cfgStat: string; passwd: boolean }[]> {
  const rows = await Promise.all(
    lab.hosts.map(async (h) => {
      const ids = (await dockerCli(h, ['ps', '-q', '--no-trunc', '--filter', `label=baton.stack=${STACK}`])).stdout.split('\n').filter(Boolean);
      return Promise.all(
        ids.map(async (id) => ({
          host: h.name,
          token: (await sh(h, id, 'sha256sum /run/secrets/token')).slice(0, 64),
          own: (await sh(h, id, 'sha256sum /run/secrets/own')).slice(0, 64),
          stat: await sh(h, id, 'stat -c %a:%u:%g /run/secrets/token'),
          cfg: await sh(h, id, 'cat /etc/app/app.conf'),
          cfgStat: await sh(h, id, 'stat -c %a:%u:%g /etc/app/app.conf'),
          passwd: (await sh(h, id, 'test -f /etc/passwd && echo yes')) === 'yes',
        })),
      );
    }),
  );
  return rows.flat();
}

const replicas = async () => (await call(plane, 'replica.list', { service: SERVICE })) as ReplicaStatus[];

before(async () => {
  lab = readLab();
  home = mkdtempSync(join(tmpdir(), 'baton-test-home-'));
  const userHome = mkdtempSync(join(tmpdir(), 'baton-test-user-'));
  mkdirSync(join(userHome, '.ssh'), { recursive: true, mode: 0o700 });
  plane = await ControlPlane.start({ home, userHome, logger: createLogger({ level: 'trace', destination: logFile }), localSocket: join(home, 'no-local-engine.sock'), ingressImage: IMAGES.haproxy });
  for (const [i, h] of lab.hosts.entries()) {
    await call(plane, 'host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
  }
});

after(async () => {
  await plane?.stop();
  for (const h of lab?.hosts ?? []) {
    const ids = [...(await containersOf(h, `baton.stack=${STACK}`)), ...(await containersOf(h, `baton.files.of=${SERVICE}`))];
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
    const volumes = (await dockerCli(h, ['volume', 'ls', '-q', '--filter', `label=baton.files.of=${SERVICE}`])).stdout.split('\n').filter(Boolean);
    if (volumes.length) await dockerCli(h, ['volume', 'rm', '-f', ...volumes]);
  }
});

test('an external secret that was not created is refused, naming it and baton secret create; nothing applied', async () => {
  const err = await expectError(call(plane, 'stack.apply', { source, file: `/stacks/${STACK}/compose.yaml`, env: { IT_OWN: own } }), 'INVALID_INPUT', /secret token `external: true`, but Baton has no secret of that name; nothing was applied/);
  assert.match(err.hint ?? '', /baton secret create token -f FILE/);
  assert.deepEqual(await call(plane, 'stack.list', {}), []);
});

test('replicas see the secrets and the config as files, with their owner and mode; rotation rolls them out; rm is refused while used', async () => {
  await call(plane, 'secret.create', { name: 'token', value: b64(value1) });
  await call(plane, 'stack.apply', { source, file: `/stacks/${STACK}/compose.yaml`, env: { IT_OWN: own } });
  await until('3 healthy replicas', replicas, (rs) => rs.filter((r) => r.health === 'healthy').length === 3, 90_000);

  let views = await seen();
  assert.equal(views.length, 3);
  for (const v of views) {
    assert.equal(v.token, digest(value1), `${v.host} sees the secret`);
    assert.equal(v.own, digest(own), `${v.host} sees the stack's own secret`);
    assert.equal(v.stat, '400:1000:1000');
    assert.equal(v.cfg, configText.trimEnd());
    assert.equal(v.cfgStat, '440:0:0');
    assert.ok(v.passwd, "the image's /etc is not hidden by the config");
  }
  const listed = (await call(plane, 'secret.list', {})) as { name: string; stack: string | null; services: string[] }[];
  assert.deepEqual(listed.map((s) => [s.name, s.stack, s.services]), [['token', null, [SERVICE]], ['own', STACK, [SERVICE]]]);

  const set = (await call(plane, 'secret.set', { name: 'token', value: b64(value2) })) as { version: number; rolling: string[] };
  assert.deepEqual([set.version, set.rolling], [2, [SERVICE]]);
  await until(
    'every replica on revision 2, healthy, seeing the new value',
    async () => ({ rs: await replicas(), views: await seen() }),
    ({ rs, views: vs }) => rs.length === 3 && rs.every((r) => r.revision === 2 && r.health === 'healthy') && vs.length === 3 && vs.every((v) => v.token === digest(value2)),
    120_000,
  );
  views = await seen();
  assert.ok(views.every((v) => v.own === digest(own)));
  // the old revision's holders are gone: one per host that runs a replica, of the new revision
  await until(
    'only the new revision holds files',
    async () => (await Promise.all(lab.hosts.map((h) => containersOf(h, `baton.files.of=${SERVICE}`)))).flat().length,
    (n) => n === new Set(views.map((v) => v.host)).size,
    30_000,
  );

  const refused = await expectError(call(plane, 'secret.remove', { name: 'token' }), 'INVALID_INPUT', /used by secrets-it\/app/);
  assert.ok(refused.hint);
});

test('no value anywhere it must not be: SQLite, events, the log, docker inspect of every container, the hosts\' disks', async () => {
  const values = [value1, value2, own];
  const hits: string[] = [];
  const scan = (where: string, haystack: Buffer | string) => {
    for (const v of values) if (haystack.includes(v)) hits.push(`${where} holds ${v.slice(0, 4)}…`);
  };
  const db = join(home, 'baton.db');
  scan('baton.db', Buffer.concat([db, `${db}-wal`, `${db}-shm`].filter(existsSync).map((f) => readFileSync(f))));
  scan('the events', JSON.stringify(await call(plane, 'events.list', { limit: 10_000 })));
  scan('the API', JSON.stringify([await call(plane, 'secret.list', {}), await call(plane, 'service.inspect', { service: SERVICE }), await call(plane, 'cluster.snapshot', {})]));
  await new Promise((r) => setTimeout(r, 500)); // the log is written asynchronously
  scan('the log', readFileSync(logFile));
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--no-trunc'])).stdout.split('\n').filter(Boolean);
    if (ids.length) scan(`docker inspect on ${h.name}`, (await dockerCli(h, ['inspect', ...ids])).stdout);
  }
  // every file on the lab's disk (the engines' data roots among them); -xdev leaves out the
  // tmpfs mounts, which are memory, and the containers' merged views of their layers
  const found = execFileSync('sh', ['-c', `find "$1" -xdev -type f -print0 | xargs -0 grep -lF -e "$2" -e "$3" -e "$4" || true`, 'sh', lab.dir, ...values], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const f of found.split('\n').filter(Boolean)) hits.push(`on disk: ${f}`);
  assert.deepEqual(hits, []);
  assert.ok(readFileSync(logFile).length > 0, 'the log was written');
});

test('config.list shows the stack\'s config with its content and the service that mounts it; secrets stay by name', async () => {
  const configs = (await call(plane, 'config.list', {})) as ConfigInfo[];
  const cfg = configs.find((c) => c.stack === STACK && c.name === 'cfg');
  assert.ok(cfg, `the stack's config is listed: ${JSON.stringify(configs.map((c) => `${c.stack}/${c.name}`))}`);
  assert.equal(cfg.content, configText, 'its content, as the replicas get it');
  assert.equal(cfg.size, Buffer.byteLength(configText));
  assert.deepEqual(cfg.services, [SERVICE]);
  const answer = JSON.stringify(configs);
  for (const secret of [value1, value2, own]) assert.ok(!answer.includes(secret), 'no secret value among the configs');
});

test('removing the stack removes its holders and volumes from every host; then the secret can go', async () => {
  await call(plane, 'stack.remove', { name: STACK });
  await until(
    'no holder or volume of the stack left',
    async () => {
      let n = 0;
      for (const h of lab.hosts) {
        n += (await containersOf(h, `baton.files.of=${SERVICE}`)).length + (await containersOf(h, `baton.stack=${STACK}`)).length;
        n += (await dockerCli(h, ['volume', 'ls', '-q', '--filter', `label=baton.files.of=${SERVICE}`])).stdout.split('\n').filter(Boolean).length;
      }
      return n;
    },
    (n) => n === 0,
    60_000,
  );
  assert.deepEqual(await call(plane, 'secret.remove', { name: 'token' }), { name: 'token' });
});
