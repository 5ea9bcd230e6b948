// depends_on on a real lab host: on a first deploy a service starts after the one it depends on
// is healthy (condition: service_healthy) or running (the short form), and says what it waits for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerCli, readLab, type LabInfo } from '../lab/lab.ts';
import type { BatonEvent } from '../../shared/api.ts';
import { call, startTestPlane, until, type TestPlane } from './helpers.ts';

let lab: LabInfo;
let t: TestPlane;

before(async () => {
  lab = readLab();
  t = await startTestPlane();
  const h = lab.hosts[0]!;
  await call(t.plane, 'host.add', { target: `root@${h.address}`, name: 'h1', identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint });
});

after(async () => {
  await call(t.plane, 'stack.remove', { name: 'order' }).catch(() => undefined);
  await t.plane.stop();
  for (const h of lab.hosts) {
    const ids = (await dockerCli(h, ['ps', '-aq', '--filter', 'label=baton.stack=order'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(h, ['rm', '-f', ...ids]);
  }
});

// db turns healthy about 3 s after it starts: its first check makes the file it then looks for
const STACK = `name: order
services:
  db:
    image: baton-test/web:1
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready || (sleep 2; touch /tmp/ready; exit 1)"]
      interval: 500ms
      timeout: 5s
      retries: 3
      start_period: 20s
  api:
    image: baton-test/web:1
    depends_on:
      db:
        condition: service_healthy
  web:
    image: baton-test/web:1
    depends_on: [api]
`;

test('a first deploy starts each service after what it depends on: api once db is healthy, web once api runs', async () => {
  const seen: BatonEvent[] = [];
  const off = t.plane.subscribe((e) => {
    if (e.stack === 'order') seen.push(e);
  });
  try {
    await call(t.plane, 'stack.apply', { source: STACK, file: '/tmp/order/compose.yaml' });
    await until('the three services running', async () => seen, (es) => ['db', 'api', 'web'].every((s) => es.some((e) => e.kind === 'replica.started' && e.service === s)), 60_000);
    const at = (kind: string, service: string) => {
      const e = seen.find((x) => x.kind === kind && x.service === service);
      assert.ok(e, `a ${kind} event of ${service}: ${seen.map((x) => `${x.kind} ${x.service}`).join(', ')}`);
      return Date.parse(e.time);
    };
    const waiting = seen.find((e) => e.kind === 'service.waiting' && e.service === 'api');
    assert.ok(waiting, 'api said what it waits for');
    assert.match(waiting.message, /order\/api waits for db to be healthy \(0 of [01] healthy\) before its first replica starts/);
    assert.ok(at('replica.started', 'api') >= at('replica.healthy', 'db'), 'api started after db was healthy');
    assert.ok(at('replica.started', 'api') - at('replica.started', 'db') >= 1500, 'db took its time to be healthy, and api waited it out');
    assert.ok(at('replica.started', 'web') >= at('replica.started', 'api'), 'web started after api ran');
  } finally {
    off();
  }
});
