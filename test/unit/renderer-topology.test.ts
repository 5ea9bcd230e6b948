// The topology's logic that needs no DOM: the model built from a cluster snapshot, convergence
// and the pending state, filtering, layout and hit testing, what each drag sends, the scale
// requests, the details' refetching, and the words of the details.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatonEvent, ClusterSnapshot, Host, HostDetail, MethodName, Params, ReplicaStatus, Result, ServiceStatus } from '../../shared/api.ts';
import { BatonError } from '../../shared/errors.ts';
import { replicaCondition } from '../../shared/service-status.ts';
import { withCounts, withStatus } from './fixtures/service-status.ts';
import { serviceSpec } from './fixtures/service-spec.ts';
import { hostReservation } from '../../renderer/src/views/hosts/reservation.ts';
import type { ConnectionState } from '../../renderer/src/api/transport.ts';
import { clampReplicas, countFromDrag, dropHint, dropIntent, passedThreshold, sliderMax } from '../../renderer/src/views/topology/drag.ts';
import { formatAgo, formatDuration, formatNanoCpus, publishedPort, requestsByHost, requestsText, specLabels, specSummary } from '../../renderer/src/views/topology/format.ts';
import { eventConcerns, InspectLoader, selectionId } from '../../renderer/src/views/topology/inspect.ts';
import { chipOffset, CHIP_COMPACT, CHIP_NORMAL, chooseChips, GROUP, hitHost, LANE_X, layoutHosts, linkEnd, linkRoute, screenRects, servicePaths, type ChipMetrics, type HostsLayout, type LinkEnd, type Point, type Rect } from '../../renderer/src/views/topology/layout.ts';
import {
  buildTopology,
  clusterAttention,
  convergedText,
  convergence,
  filterTopology,
  hostCapacity,
  replicaDimmed,
  replicaLook,
  revisionMarks,
  requestActive,
  serviceKey,
  unknownText,
} from '../../renderer/src/views/topology/model.ts';
import { ScaleActions } from '../../renderer/src/views/topology/scale-actions.ts';

// ---------------------------------------------------------------- fixtures

function host(name: string, state: Host['state'] = 'ready', cpus = 4, memoryBytes = 8 * 2 ** 30): Host {
  return {
    name,
    kind: 'ssh',
    ssh: { user: 'root', address: '10.0.0.2', port: 22 },
    socketPath: '/var/run/docker.sock',
    auth: 'agent',
    identityFile: null,
    hostKeyFingerprint: null,
    labels: {},
    state,
    stateReason: state === 'ready' ? null : 'no answer',
    inventory: { hostname: name, os: 'Debian', osType: 'linux', kernel: '6.1', architecture: 'x86_64', cpus, memoryBytes, dockerVersion: '27', apiVersion: '1.47', engineLabels: [] },
    addedAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: null,
  };
}

function service(stack: string, name: string, counts: Partial<ServiceStatus> = {}): ServiceStatus {
  return withCounts({
    stack,
    name,
    image: `${name}:1`,
    revision: 2,
    desired: 2,
    running: 2,
    healthy: 2,
    pending: null,
    ports: [],
    preferredHost: null,
    reservation: { nanoCpus: null, memoryBytes: null },
    ...counts,
  });
}

function replica(stack: string, svc: string, slot: number, hostName: string, more: Partial<ReplicaStatus> = {}): ReplicaStatus {
  return withStatus({
    id: `${stack}${svc}${slot}`.padEnd(64, '0'),
    name: `${stack}-${svc}-${slot}`,
    stack,
    service: svc,
    slot,
    host: hostName,
    hostReady: true,
    state: 'running',
    health: 'healthy',
    revision: 2,
    current: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...more,
  });
}

function snapshot(): ClusterSnapshot {
  return {
    lastEventId: 10,
    hosts: [host('web-2'), host('web-10'), host('web-1', 'unreachable')],
    usage: [{ host: 'web-2', replicas: 2, nanoCpusReserved: 1e9, memoryBytesReserved: 2 * 2 ** 30 }],
    services: [service('shop', 'web'), service('shop', 'api', { desired: 1, running: 1, healthy: 1 }), service('admin', 'web', { desired: 1, running: 1, healthy: 1 })],
    replicas: [
      replica('shop', 'web', 2, 'web-2'),
      replica('shop', 'web', 1, 'web-2'),
      replica('shop', 'api', 1, 'web-10'),
      replica('admin', 'web', 1, 'web-1', { hostReady: false }),
    ],
  };
}

function event(id: number, kind: BatonEvent['kind'], subject: Partial<BatonEvent> = {}): BatonEvent {
  return { id, time: '2025-01-01T00:00:00.000Z', kind, severity: 'info', host: null, stack: null, service: null, replica: null, message: kind, data: null, ...subject };
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- model

test('replica looks: state and health in one word; on an unreachable host it is unknown, whatever Docker said last', () => {
  const look = (state: string, health: ReplicaStatus['health'], hostReady = true) => replicaLook({ state, status: replicaCondition({ state, health, hostReady }) });
  assert.equal(look('running', 'healthy'), 'healthy');
  assert.equal(look('running', 'none'), 'running');
  assert.equal(look('running', 'starting'), 'starting');
  assert.equal(look('running', 'unhealthy'), 'unhealthy');
  assert.equal(look('exited', 'none'), 'stopped');
  assert.equal(look('dead', 'none'), 'stopped');
  assert.equal(look('created', 'none'), 'created');
  assert.equal(look('restarting', 'none'), 'changing');
  assert.equal(look('running', 'healthy', false), 'unknown');
  assert.equal(look('exited', 'none', false), 'unknown');
});

test('topology model: hosts in natural order, replicas grouped by host then sorted by service and slot, services by stack', () => {
  const model = buildTopology(snapshot());
  assert.deepEqual(model.hosts.map((h) => h.host.name), ['web-1', 'web-2', 'web-10']);
  assert.deepEqual(model.hostsByName.get('web-2')?.replicas.map((r) => r.name), ['shop-web-1', 'shop-web-2']);
  assert.deepEqual(model.stacks.map((s) => [s.name, s.services.map((x) => x.key)]), [
    ['admin', ['admin/web']],
    ['shop', ['shop/api', 'shop/web']],
  ]);
  assert.equal(model.servicesByKey.get('shop/web')?.replicas.length, 2);
  assert.equal(model.hostsByName.get('web-2')?.usage?.nanoCpusReserved, 1e9);
  assert.equal(model.hostsByName.get('web-10')?.usage, null, 'no usage entry: none');
});

test('host signatures change only for the host whose picture changed', () => {
  const before = buildTopology(snapshot());
  const next = snapshot();
  next.replicas[2] = { ...next.replicas[2]!, health: 'unhealthy' }; // shop-api-1 on web-10
  const after = buildTopology(next);
  for (const name of ['web-1', 'web-2']) assert.equal(after.hostsByName.get(name)?.signature, before.hostsByName.get(name)?.signature, name);
  assert.notEqual(after.hostsByName.get('web-10')?.signature, before.hostsByName.get('web-10')?.signature);
  const unreachable = snapshot();
  unreachable.hosts[0] = { ...unreachable.hosts[0]!, state: 'unreachable' };
  assert.notEqual(buildTopology(unreachable).hostsByName.get('web-2')?.signature, before.hostsByName.get('web-2')?.signature);
});

test('convergence: converged only when desired = healthy = running, all current, nothing asked in flight', () => {
  const node = (status: Partial<ServiceStatus>, outdated = 0, degraded = false) => ({ status: service('shop', 'web', status), outdated, degraded });
  assert.equal(convergence(node({}), null).converged, true);
  assert.equal(convergence(node({}), null).phase, 'converged');

  const starting = convergence(node({ desired: 3, running: 3, healthy: 2 }), null);
  assert.equal(starting.converged, false);
  assert.equal(starting.phase, 'scaling');
  assert.equal(starting.target, 3);

  const sending = convergence(node({}), { target: 5, phase: 'sending' });
  assert.equal(sending.converged, false, 'a request in flight is pending even if the counts match');
  assert.equal(sending.requesting, true);
  assert.equal(sending.target, 5);
  assert.equal(sending.desired, 2, 'the real count is never replaced by what was asked');

  const answered = convergence(node({ desired: 5, running: 2, healthy: 2 }), { target: 5, phase: 'sent' });
  assert.equal(answered.requesting, false, 'an answered request shown in the snapshot is no longer a request');
  assert.equal(answered.converged, false);
  assert.equal(answered.target, 5);

  assert.equal(convergence(node({}, 1), null).phase, 'updating');
  assert.equal(convergence(node({ running: 3, healthy: 2 }), null).converged, false, 'an extra replica still stopping');
  assert.equal(convergence(node({ desired: 3, running: 2, healthy: 1 }, 0, true), null).phase, 'degraded');
  const blocked = convergence(node({ desired: 3, pending: 'no host has 2 CPUs free' }), null);
  assert.equal(blocked.phase, 'blocked');
  assert.equal(blocked.blockedBy, 'no host has 2 CPUs free');
  assert.equal(requestActive(null, 2), false);
  assert.equal(requestActive({ target: 2, phase: 'sent' }, 2), false);
  assert.equal(requestActive({ target: 3, phase: 'sent' }, 2), true);
});

test('convergence tells the truth: unknown replicas are not counted, no health check is not healthy, a rollout shows both revisions', () => {
  const node = (status: Partial<ServiceStatus>, outdated = 0, degraded = false) => ({ status: service('shop', 'web', status), outdated, degraded });
  // 3 desired, one on an unreachable host: Docker said healthy last, the control plane says unknown
  const lost = convergence(node({ desired: 3, running: 2, healthy: 2, unknown: 1, unknownHosts: ['web-1'] }, 0, true), null);
  assert.equal(lost.converged, false);
  assert.equal(lost.phase, 'degraded');
  assert.deepEqual([lost.available, lost.healthy, lost.unknown], [2, 2, 1]);
  assert.equal(unknownText(lost), '1 unknown: web-1 unreachable');

  const unchecked = convergence(node({ desired: 2, running: 2, healthy: 0, available: 2, noHealthCheck: 2 }), null);
  assert.equal(unchecked.converged, true, 'running without a health check converges');
  assert.equal(convergedText(unchecked), '2 of 2 running (no health check)');
  assert.equal(convergedText(convergence(node({}), null)), '2 of 2 healthy');

  const rollout = convergence(
    node(
      {
        revision: 3,
        running: 3,
        healthy: 3,
        revisions: [
          { revision: 2, image: 'web:2', running: 2, healthy: 2, available: 2, unknown: 0 },
          { revision: 3, image: 'web:3', running: 1, healthy: 1, available: 1, unknown: 0 },
        ],
      },
      2,
    ),
    null,
  );
  assert.equal(rollout.phase, 'updating');
  assert.deepEqual(rollout.revisions, [
    { revision: 2, available: 2 },
    { revision: 3, available: 1 },
  ]);
  assert.deepEqual(convergence(node({}), null).revisions, [], 'one revision: no breakdown');
});

test('cluster attention for the sidebar badge: services not converged, and whether any is in trouble', () => {
  assert.deepEqual(clusterAttention(snapshot()), { unconverged: 0, troubled: false }, 'the counts are the control plane’s: they hold');
  const s = snapshot();
  s.services[0] = service('shop', 'web', { desired: 3, running: 2, healthy: 1 });
  s.replicas[0] = { ...s.replicas[0]!, health: 'unhealthy' };
  s.services[1] = service('shop', 'api', { desired: 1, running: 1, healthy: 1, pending: 'no host fits' });
  const attention = clusterAttention(s);
  assert.equal(attention.unconverged, 2, 'shop/web short of healthy replicas, shop/api blocked');
  assert.equal(attention.troubled, true);
});

test('filter: by host name or service name, each side showing what it touches', () => {
  const model = buildTopology(snapshot());
  const byHost = filterTopology(model, ' WEB-10 ');
  assert.equal(byHost.needle, 'web-10');
  assert.deepEqual(byHost.hosts.map((h) => h.host.name), ['web-10']);
  assert.deepEqual(byHost.stacks.flatMap((s) => s.services.map((x) => x.key)), ['shop/api'], 'services running on the host');

  const byService = filterTopology(model, 'api');
  assert.deepEqual(byService.hosts.map((h) => h.host.name), ['web-10']);
  assert.deepEqual(byService.stacks.flatMap((s) => s.services.map((x) => x.key)), ['shop/api']);

  const all = filterTopology(model, '');
  assert.equal(all.hosts, model.hosts, 'no filter: the same arrays, so memoized parts stay');
  assert.equal(replicaDimmed('api', replica('shop', 'web', 1, 'web-2')), true);
  assert.equal(replicaDimmed('api', replica('shop', 'api', 1, 'web-2')), false);
  assert.equal(replicaDimmed('web-2', replica('shop', 'web', 1, 'web-2')), false);
  assert.equal(replicaDimmed('', replica('shop', 'web', 1, 'web-2')), false);
});

test('host capacity: reserved share of CPUs and memory, unknown without an inventory', () => {
  const node = buildTopology(snapshot()).hostsByName.get('web-2')!;
  const capacity = hostCapacity(node);
  assert.equal(capacity.cpu, 0.25);
  assert.equal(capacity.memory, 0.25);
  assert.equal(capacity.cpusReserved, 1);
  const blank = hostCapacity({ host: { ...host('x'), inventory: null }, usage: null });
  assert.equal(blank.cpu, null);
  assert.equal(blank.memory, null);
});

test('host capacity is the hosts table\'s reservation (one computation), shown full at most', () => {
  const node = buildTopology(snapshot()).hostsByName.get('web-2')!;
  const table = hostReservation(node.host, node.usage);
  const capacity = hostCapacity(node);
  assert.equal(capacity.cpu, table.cpu.percent! / 100);
  assert.equal(capacity.memory, table.memory.percent! / 100);
  assert.equal(capacity.cpusReserved, table.cpu.reserved);
  assert.equal(capacity.memoryReserved, table.memory.reserved);
  const cpus = node.host.inventory!.cpus;
  const over = { ...node, usage: { host: node.host.name, replicas: 9, nanoCpusReserved: cpus * 2e9, memoryBytesReserved: 0 } };
  assert.equal(hostReservation(over.host, over.usage).cpu.percent, 200, 'the table says how far over');
  assert.equal(hostCapacity(over).cpu, 1, 'the bar is full');
  assert.equal(hostCapacity(over).memory, 0);
});

// ---------------------------------------------------------------- layout and hit testing

test('layout: host groups in a grid that fits the width, rows as tall as their fullest group', () => {
  const hosts = [
    { name: 'a', replicas: 2 },
    { name: 'b', replicas: 9 },
    { name: 'c', replicas: 0 },
    { name: 'd', replicas: 1 },
  ];
  const layout = layoutHosts(hosts, 900, CHIP_NORMAL);
  const [a, b, c, d] = layout.groups as [typeof layout.groups[number], typeof layout.groups[number], typeof layout.groups[number], typeof layout.groups[number]];
  assert.equal(a.y, b.y);
  assert.equal(b.y, c.y, 'three columns fit in 900 px');
  assert.ok(d.y > a.y, 'the fourth wraps');
  assert.equal(a.h, b.h, 'a row shares its height');
  assert.ok(b.x + b.w <= 900 - GROUP.margin + 1 && c.x + c.w <= 900);
  const rowsOfB = Math.ceil(9 / b.perRow);
  assert.equal(b.h, GROUP.header + rowsOfB * (CHIP_NORMAL.h + CHIP_NORMAL.gap) - CHIP_NORMAL.gap + GROUP.padBottom);
  assert.equal(layout.height, d.y + d.h + GROUP.margin);
  assert.equal(layout.byName.get('c'), c);

  const narrow = layoutHosts(hosts, 100, CHIP_NORMAL);
  assert.ok(narrow.groups.every((g) => g.x === GROUP.margin), 'one column when nothing else fits');
  const few = layoutHosts([{ name: 'solo', replicas: 1 }], 3000, CHIP_NORMAL);
  assert.equal(few.groups[0]!.w, GROUP.maxWidth, 'a lone host does not stretch across the screen');
  assert.equal(layoutHosts([], 900, CHIP_NORMAL).height, 0);
});

test('layout: chips fill rows left to right; compact chips for dense clusters', () => {
  const group = { perRow: 3 };
  assert.deepEqual(chipOffset(group, 0, CHIP_NORMAL), { x: GROUP.padX, y: GROUP.header });
  assert.deepEqual(chipOffset(group, 4, CHIP_NORMAL), { x: GROUP.padX + CHIP_NORMAL.w + CHIP_NORMAL.gap, y: GROUP.header + CHIP_NORMAL.h + CHIP_NORMAL.gap });
  assert.equal(chooseChips(20, 60), CHIP_NORMAL);
  assert.equal(chooseChips(20, 1000), CHIP_COMPACT);
  assert.equal(chooseChips(40, 80), CHIP_COMPACT);
});

test('hit testing: the host group under the pointer, never one scrolled out of the pane', () => {
  const layout = layoutHosts(
    [
      { name: 'a', replicas: 1 },
      { name: 'b', replicas: 1 },
    ],
    900,
    CHIP_NORMAL,
  );
  const rects = screenRects(layout, { x: 300, y: -50 }); // the canvas scrolled up by 50 px
  const a = layout.byName.get('a')!;
  const visible = { left: 300, top: 0, right: 1200, bottom: 800 };
  assert.equal(hitHost(rects, visible, 300 + a.x + 5, -50 + a.y + a.h - 5), 'a');
  assert.equal(hitHost(rects, visible, 300 + a.x + 5, -50 + a.y + 2), null, 'that part of the group is above the pane');
  assert.equal(hitHost(rects, visible, 300 + a.x + a.w + GROUP.gap / 2, 100), null, 'between groups');
  assert.equal(hitHost(rects, visible, 10, 100), null);
});

/** Every chip of a layout as a rectangle (canvas coordinates), with which host and index it is. */
function chipRects(layout: HostsLayout, counts: ReadonlyMap<string, number>): Array<Rect & { host: string; index: number }> {
  const out: Array<Rect & { host: string; index: number }> = [];
  for (const g of layout.groups) {
    for (let index = 0; index < (counts.get(g.name) ?? 0); index++) {
      const at = chipOffset(g, index, layout.chip);
      out.push({ host: g.name, index, left: g.x + at.x, top: g.y + at.y, right: g.x + at.x + layout.chip.w, bottom: g.y + at.y + layout.chip.h });
    }
  }
  return out;
}

type Segment = [Point, Point];

/** An axis-aligned segment against a closed rectangle: the part of it inside, or null. */
function overlap([a, b]: Segment, rect: Rect): Segment | null {
  const x0 = Math.max(Math.min(a.x, b.x), rect.left);
  const x1 = Math.min(Math.max(a.x, b.x), rect.right);
  const y0 = Math.max(Math.min(a.y, b.y), rect.top);
  const y1 = Math.min(Math.max(a.y, b.y), rect.bottom);
  return x0 <= x1 && y0 <= y1 ? [{ x: x0, y: y0 }, { x: x1, y: y1 }] : null;
}

/** The segments of a path drawn with M, H and V only. */
function segmentsOf(d: string): Segment[] {
  const out: Segment[] = [];
  let at: Point = { x: 0, y: 0 };
  for (const [, op, args] of d.matchAll(/([MHV])([^MHV]*)/g)) {
    const n = args!.trim().split(/\s+/).map(Number);
    if (op === 'M') at = { x: n[0]!, y: n[1]! };
    else {
      const to = op === 'H' ? { x: n[0]!, y: at.y } : { x: at.x, y: n[0]! };
      out.push([at, to]);
      at = to;
    }
  }
  return out;
}

const SIZES: Array<{ hosts: number[]; width: number; chip: ChipMetrics }> = [
  { hosts: [5, 1, 12, 0, 7], width: 900, chip: CHIP_NORMAL },
  { hosts: [3, 30, 2], width: 1400, chip: CHIP_NORMAL },
  { hosts: Array.from({ length: 12 }, (_, i) => (i * 7) % 40), width: 1200, chip: CHIP_COMPACT },
  { hosts: [100, 5], width: 300, chip: CHIP_COMPACT },
];

test('links: each route ends on its own chip\'s top edge and crosses no other chip, in any layout', () => {
  for (const size of SIZES) {
    const hosts = size.hosts.map((replicas, i) => ({ name: `h${i}`, replicas }));
    const layout = layoutHosts(hosts, size.width, size.chip);
    const counts = new Map(hosts.map((h) => [h.name, h.replicas]));
    const chips = chipRects(layout, counts);
    // services sit left of the canvas, above, beside and below the hosts
    for (const from of [{ x: -14, y: 30 }, { x: -14, y: layout.height / 2 }, { x: -14, y: layout.height + 400 }]) {
      for (const target of chips) {
        const end = linkEnd(layout.byName.get(target.host)!, target.index, layout.chip);
        const route = linkRoute(from, end);
        assert.deepEqual(route.at(-1), { x: (target.left + target.right) / 2, y: target.top }, 'ends at the middle of its chip\'s top edge');
        for (let i = 1; i < route.length; i++) {
          const segment: Segment = [route[i - 1]!, route[i]!];
          for (const chip of chips) {
            const inside = overlap(segment, chip);
            if (inside === null) continue;
            const last = i === route.length - 1;
            const own = chip === target;
            assert.ok(own && last && inside[0].y === target.top && inside[1].y === target.top, `a route to ${target.host}#${target.index} crosses ${chip.host}#${chip.index} (${JSON.stringify(segment)})`);
          }
        }
      }
    }
  }
});

test('links: one service\'s tree crosses no chip either, ends at each of its chips, and leaves out chips far off screen', () => {
  const hosts = [{ name: 'a', replicas: 9 }, { name: 'b', replicas: 14 }, { name: 'c', replicas: 3 }, { name: 'd', replicas: 20 }];
  const layout = layoutHosts(hosts, 700, CHIP_NORMAL);
  const counts = new Map(hosts.map((h) => [h.name, h.replicas]));
  const chips = chipRects(layout, counts);
  // every third chip is the service's
  const mine = chips.filter((_, i) => i % 3 === 0);
  const ends: LinkEnd[] = mine.map((c) => linkEnd(layout.byName.get(c.host)!, c.index, layout.chip));
  const offset = { x: 300, y: -20 };
  const d = servicePaths({ x: -14, y: 40 }, ends, -1e9, 1e9, offset);
  const onScreen = (r: Rect): Rect => ({ left: r.left + offset.x, right: r.right + offset.x, top: r.top + offset.y, bottom: r.bottom + offset.y });
  const touched = new Set<(typeof chips)[number]>();
  for (const segment of segmentsOf(d)) {
    for (const chip of chips) {
      const inside = overlap(segment, onScreen(chip));
      if (inside === null) continue;
      const top = chip.top + offset.y;
      assert.ok(mine.includes(chip) && inside[0].y === top && inside[1].y === top && inside[0].x === inside[1].x, `crosses ${chip.host}#${chip.index}`);
      touched.add(chip);
    }
  }
  assert.equal(touched.size, mine.length, 'a line reaches each of its chips');
  assert.ok(d.includes(`H${LANE_X + offset.x}`), 'runs to the lane in the left margin');
  // only the chips in the band are drawn: two of the first group's rows
  const band = servicePaths({ x: -14, y: 40 }, ends, 0, GROUP.header + 30, { x: 0, y: 0 });
  assert.equal((band.match(/V/g) ?? []).length - 1, ends.filter((e) => e.top >= 0 && e.top <= GROUP.header + 30).length, 'one drop per chip in the band, and the lane');
  assert.equal(servicePaths({ x: 0, y: 0 }, ends, 5000, 6000), '', 'nothing on screen: nothing drawn');
});

// ---------------------------------------------------------------- drags

test('drops: a service on a ready host adds one replica there; elsewhere nothing', () => {
  const subject = { kind: 'service' as const, service: 'shop/web' };
  assert.deepEqual(dropIntent(subject, { kind: 'host', host: 'web-2', state: 'ready' }, 3), { kind: 'scale', service: 'shop/web', replicas: 4, preferHost: 'web-2' });
  assert.deepEqual(dropIntent(subject, { kind: 'host', host: 'web-2', state: 'unreachable' }, 3), { kind: 'none' });
  assert.deepEqual(dropIntent(subject, { kind: 'outside' }, 3), { kind: 'none' });
  assert.equal(dropHint(subject, { kind: 'host', host: 'web-2', state: 'ready' }, 3).text, 'Add a replica on web-2 (3 → 4)');
  assert.equal(dropHint(subject, { kind: 'host', host: 'web-2', state: 'connecting' }, 3).ok, false);
});

test('drops: a replica outside the hosts is removed; back on a host it stays', () => {
  const subject = { kind: 'replica' as const, service: 'shop/web', replica: 'shop-web-3', host: 'web-1' };
  assert.deepEqual(dropIntent(subject, { kind: 'outside' }, 3), { kind: 'remove', service: 'shop/web', replica: 'shop-web-3' });
  assert.deepEqual(dropIntent(subject, { kind: 'host', host: 'web-1', state: 'ready' }, 3), { kind: 'none' });
  assert.deepEqual(dropIntent(subject, { kind: 'host', host: 'web-2', state: 'ready' }, 3), { kind: 'none' });
  assert.match(dropHint(subject, { kind: 'outside' }, 3).text, /Remove shop-web-3 \(shop\/web 3 → 2\)/);
});

test('count handle: pixels to replicas, clamped to 0..1000; no change sends nothing', () => {
  assert.equal(countFromDrag(3, 0), 3);
  assert.equal(countFromDrag(3, 13), 3);
  assert.equal(countFromDrag(3, 14), 4);
  assert.equal(countFromDrag(3, 45), 6);
  assert.equal(countFromDrag(3, -14), 2);
  assert.equal(countFromDrag(3, -500), 0);
  assert.equal(countFromDrag(999, 500), 1000);
  const subject = { kind: 'count' as const, service: 'shop/web', start: 3 };
  assert.deepEqual(dropIntent(subject, { kind: 'outside' }, 3, 6), { kind: 'scale', service: 'shop/web', replicas: 6 });
  assert.deepEqual(dropIntent(subject, { kind: 'host', host: 'x', state: 'ready' }, 3, 3), { kind: 'none' });
  assert.equal(passedThreshold(2, 2), false);
  assert.equal(passedThreshold(3, 3), true);
  assert.equal(clampReplicas(-2), 0);
  assert.equal(clampReplicas(2.6), 3);
});

test('slider range: room above the count, in round steps', () => {
  assert.equal(sliderMax(0), 10);
  assert.equal(sliderMax(5), 10);
  assert.equal(sliderMax(7), 20);
  assert.equal(sliderMax(50), 100);
  assert.equal(sliderMax(900), 1000);
});

// ---------------------------------------------------------------- scale requests

class FakeScaleApi {
  calls: Array<{ method: string; params: unknown }> = [];
  desired = new Map<string, number>();
  fail: BatonError | null = null;
  private waiting: Array<() => void> = [];
  hold = false;

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push({ method, params });
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.fail !== null) throw this.fail;
    if (method === 'service.scale') {
      const { targets } = params as Params<'service.scale'>;
      return targets.map((t) => {
        const [stack, name] = t.service.split('/') as [string, string];
        this.desired.set(t.service, t.replicas);
        return service(stack, name, { desired: t.replicas });
      }) as Result<M>;
    }
    if (method === 'replica.remove') {
      const desired = (this.desired.get('shop/web') ?? 3) - 1;
      this.desired.set('shop/web', desired);
      return service('shop', 'web', { desired }) as Result<M>;
    }
    throw new BatonError('INVALID_INPUT', method);
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

test('scale requests: sent at once, shown as asked until a snapshot shows them, then forgotten', async () => {
  const api = new FakeScaleApi();
  const actions = new ScaleActions(api);
  let notified = 0;
  actions.subscribe(() => notified++);
  actions.scale('shop/web', 4, 'web-2');
  assert.deepEqual(actions.get('shop/web').request, { target: 4, phase: 'sending' });
  assert.deepEqual(api.calls[0], { method: 'service.scale', params: { targets: [{ service: 'shop/web', replicas: 4, preferHost: 'web-2' }] } });
  await settle(5);
  assert.deepEqual(actions.get('shop/web').request, { target: 4, phase: 'sent' });
  actions.observe(new Map([['shop/web', 3]]));
  assert.notEqual(actions.get('shop/web').request, null, 'a snapshot from before the answer does not settle it');
  actions.observe(new Map([['shop/web', 4]]));
  assert.equal(actions.get('shop/web').request, null);
  assert.ok(notified >= 3);
});

test('scale requests: while one is in flight only the latest count follows it', async () => {
  const api = new FakeScaleApi();
  api.hold = true;
  const actions = new ScaleActions(api);
  actions.scale('shop/web', 4);
  actions.scale('shop/web', 5);
  actions.scale('shop/web', 6);
  assert.equal(api.calls.length, 1);
  assert.equal(actions.get('shop/web').request?.target, 6, 'the screen shows the latest ask');
  api.release();
  await settle(5);
  api.release();
  await settle(5);
  assert.deepEqual(
    api.calls.map((c) => (c.params as Params<'service.scale'>).targets[0]?.replicas),
    [4, 6],
  );
  assert.deepEqual(actions.get('shop/web').request, { target: 6, phase: 'sent' });
});

test('scale requests: a refused one shows its error and drops what was asked', async () => {
  const api = new FakeScaleApi();
  api.fail = new BatonError('INVALID_INPUT', 'No host can take 2 more CPUs; add a host or lower the reservation.');
  const actions = new ScaleActions(api);
  actions.scale('shop/web', 9);
  await settle(5);
  const action = actions.get('shop/web');
  assert.equal(action.request, null);
  assert.equal(action.error?.title, 'Could not scale shop/web to 9');
  assert.equal(action.error?.error.message, 'No host can take 2 more CPUs; add a host or lower the reservation.');
  actions.dismissError('shop/web');
  assert.equal(actions.get('shop/web').error, null);
});

test('scale requests: an answered request that never shows is forgotten after a while', async () => {
  const api = new FakeScaleApi();
  const timers: Array<() => void> = [];
  const actions = new ScaleActions(api, { setTimer: (fn) => timers.push(fn), clearTimer: () => {} });
  actions.scale('shop/web', 4);
  await settle(5);
  assert.equal(actions.get('shop/web').request?.phase, 'sent');
  timers.forEach((fn) => fn());
  assert.equal(actions.get('shop/web').request, null);
});

test('replica removal: shows the lower count while asked; a failure says which replica', async () => {
  const api = new FakeScaleApi();
  const actions = new ScaleActions(api);
  const removed = actions.removeReplica('shop/web', 'shop-web-3', 2);
  assert.deepEqual(actions.get('shop/web').request, { target: 2, phase: 'sending' });
  assert.equal(await removed, true);
  assert.deepEqual(api.calls[0], { method: 'replica.remove', params: { replica: 'shop-web-3' } });
  assert.deepEqual(actions.get('shop/web').request, { target: 2, phase: 'sent' });

  api.fail = new BatonError('NOT_FOUND', 'No replica named "shop-web-9".');
  assert.equal(await actions.removeReplica('shop/web', 'shop-web-9', 1), false);
  assert.equal(actions.get('shop/web').error?.title, 'Could not remove shop-web-9');
  assert.equal(actions.get('shop/web').request, null);
});

// ---------------------------------------------------------------- details

test('details refetch on events about the selection only', () => {
  const host = { kind: 'host' as const, name: 'web-1' };
  assert.equal(eventConcerns(host, event(1, 'host.unreachable', { host: 'web-1' })), true);
  assert.equal(eventConcerns(host, event(1, 'host.unreachable', { host: 'web-2' })), false);

  const svc = { kind: 'service' as const, key: 'shop/web' };
  assert.equal(eventConcerns(svc, event(1, 'service.scaled', { stack: 'shop', service: 'web' })), true);
  assert.equal(eventConcerns(svc, event(1, 'replica.started', { stack: 'shop', service: 'web', replica: 'shop-web-3' })), true);
  assert.equal(eventConcerns(svc, event(1, 'service.scaled', { stack: 'shop', service: 'api' })), false);
  assert.equal(eventConcerns(svc, event(1, 'service.scaled', { stack: 'other', service: 'web' })), false);
  assert.equal(eventConcerns(svc, event(1, 'stack.removed', { stack: 'shop' })), true, 'its stack removed');

  const rep = { kind: 'replica' as const, name: 'shop-web-3' };
  assert.equal(eventConcerns(rep, event(1, 'replica.unhealthy', { replica: 'shop-web-3' })), true);
  assert.equal(eventConcerns(rep, event(1, 'replica.unhealthy', { replica: 'shop-web-30' })), false);
  assert.equal(eventConcerns(rep, event(1, 'host.unreachable', { host: 'web-1' }), 'web-1'), true, 'its host going away');
  assert.equal(eventConcerns(rep, event(1, 'host.unreachable', { host: 'web-1' }), 'web-2'), false);
  assert.equal(selectionId(svc), 'service:shop/web');
  assert.notEqual(selectionId({ kind: 'host', name: 'x' }), selectionId({ kind: 'replica', name: 'x' }));
});

class FakeInspectApi {
  calls: string[] = [];
  gone = false;
  private readonly listeners = new Set<(e: BatonEvent) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = { status: 'connected', endpoint: 'fake', retryAt: null, reason: null };

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push(method);
    await settle(3);
    if (this.gone) throw new BatonError('NOT_FOUND', 'No host named "web-1".');
    if (method === 'host.inspect') {
      const detail: HostDetail = { host: host((params as { name: string }).name), events: [] };
      return detail as Result<M>;
    }
    throw new BatonError('INVALID_INPUT', method);
  }
  subscribe(listener: (e: BatonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: BatonEvent): void {
    for (const listener of this.listeners) listener(e);
  }
  connection(): ConnectionState {
    return this.state;
  }
  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  setStatus(status: ConnectionState['status']): void {
    this.state = { ...this.state, status };
    for (const listener of this.stateListeners) listener(this.state);
  }
}

test('details loader: fetches, refetches (collapsed) on its events and on reconnection; a removed thing says so', async () => {
  const api = new FakeInspectApi();
  const loader = new InspectLoader(api, { kind: 'host', name: 'web-1' });
  const stop = loader.start();
  await settle();
  assert.equal(loader.getSnapshot().status, 'ready');
  assert.equal(loader.getSnapshot().inspected?.kind, 'host');
  assert.deepEqual(api.calls, ['host.inspect']);

  api.emit(event(2, 'host.ready', { host: 'web-2' }));
  await settle();
  assert.equal(api.calls.length, 1, 'another host: no fetch');
  api.emit(event(3, 'host.unreachable', { host: 'web-1' }));
  api.emit(event(4, 'host.ready', { host: 'web-1' }));
  api.emit(event(5, 'host.ready', { host: 'web-1' }));
  await settle();
  assert.ok(api.calls.length >= 2 && api.calls.length <= 3, `a burst is one or two fetches, not ${api.calls.length - 1}`);

  api.setStatus('reconnecting');
  const before = api.calls.length;
  api.setStatus('connected');
  await settle();
  assert.equal(api.calls.length, before + 1);

  api.gone = true;
  api.emit(event(6, 'host.removed', { host: 'web-1' }));
  await settle();
  assert.equal(loader.getSnapshot().error?.code, 'NOT_FOUND');
  assert.equal(loader.getSnapshot().inspected, null, 'nothing stale is shown for a removed host');
  stop();
  api.emit(event(7, 'host.added', { host: 'web-1' }));
  await settle();
  assert.equal(loader.getSnapshot().error?.code, 'NOT_FOUND', 'stopped: no more fetches');
});

test('details words: spec summary, durations, resources, labels', () => {
  const spec = serviceSpec({
    command: ['node', 'server.js'],
    labels: { b: '2', a: '1' },
    reservations: { nanoCpus: 5e8, memoryBytes: 256 * 2 ** 20 },
    placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'a', text: 'node.labels.zone == a' }], spreadOver: ['node.labels.rack'], maxReplicasPerHost: 2 },
    healthcheck: { test: ['CMD-SHELL', 'curl -f localhost'], intervalMs: 10_000, timeoutMs: 5_000, retries: 3, startPeriodMs: 0 },
    restart: { condition: 'on-failure', delayMs: 5_000, maxAttempts: 5, windowMs: 0 },
    update: { parallelism: 1, delayMs: 0, failureAction: 'rollback', monitorMs: 5_000, maxFailureRatio: 0, order: 'start-first' },
    secrets: [{ source: 'db_password', target: '/run/secrets/db_password', uid: '0', gid: '0', mode: 0o444 }],
  });
  const byLabel = new Map(specSummary(spec).map((r) => [r.label, r.value]));
  assert.equal(byLabel.get('Command'), 'node server.js');
  assert.equal(byLabel.has('Entrypoint'), false, 'no entrypoint set: not shown');
  assert.equal(byLabel.get('Reserves'), '0.5 CPU, 256 MiB');
  assert.equal(byLabel.has('Limited to'), false, 'no limits set: not shown');
  assert.equal(byLabel.get('Placement'), 'node.labels.zone == a; spread over node.labels.rack; at most 2 per host');
  assert.equal(byLabel.get('Health check'), 'curl -f localhost, every 10 s, 3 retries');
  assert.equal(byLabel.get('Restart'), 'on-failure, at most 5 attempts');
  assert.equal(byLabel.get('Updates'), '1 at a time, start-first, on failure: rollback');
  assert.equal(byLabel.get('Secrets'), 'db_password');
  const plain = new Map(specSummary(serviceSpec()).map((r) => [r.label, r.value]));
  assert.equal(plain.get('Health check'), 'none (running replicas count as available, not healthy)');
  assert.equal(plain.get('Reserves'), 'nothing (no reservation set)');
  assert.equal(plain.get('Placement'), 'any host');
  assert.equal(plain.get('Updates'), '1 at a time, start-first, on failure: pause');
  assert.equal(new Map(specSummary(serviceSpec({ healthcheck: { test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0 } })).map((r) => [r.label, r.value])).get('Health check'), 'disabled');
  assert.deepEqual(specLabels(spec), [
    ['a', '1'],
    ['b', '2'],
  ]);
  assert.equal(formatDuration(500), '500 ms');
  assert.equal(formatDuration(90_000), '1 min 30 s');
  assert.equal(formatDuration(7_200_000), '2 h');
  assert.equal(formatNanoCpus(1.5e9), '1.5 CPUs');
  assert.equal(formatNanoCpus(2.5e8), '0.25 CPU');
  const now = Date.parse('2025-01-01T12:00:00.000Z');
  assert.equal(formatAgo('2025-01-01T11:59:48.000Z', now), '12 s ago');
  assert.equal(formatAgo('2025-01-01T09:00:00.000Z', now), '3 h ago');
  assert.equal(formatAgo(null, now), '—');
  assert.equal(serviceKey({ stack: 'shop', name: 'web' }), 'shop/web');
});

test('mid-rollout, replicas are marked old or new by revision; a service on one revision is not marked', () => {
  const old = replica('shop', 'web', 1, 'web-1', { revision: 1, current: false });
  const fresh = replica('shop', 'web', 2, 'web-2');
  const api = replica('shop', 'api', 1, 'web-1');
  const marks = revisionMarks([old, fresh, api]);
  assert.deepEqual([...marks], [[old.name, 'old'], [fresh.name, 'new']]);
  assert.equal(revisionMarks([fresh, api]).size, 0);
  const model = buildTopology({ ...snapshot(), replicas: [old, fresh] });
  assert.equal(model.hostsByName.get('web-1')!.marks.get(old.name), 'old', 'each host knows its replicas’ marks');
  assert.notEqual(model.hostsByName.get('web-2')!.signature, buildTopology({ ...snapshot(), replicas: [fresh] }).hostsByName.get('web-2')!.signature, 'a mark changes the group');
});

test('a replica going from the pool to draining redraws its host group', () => {
  const serving = replica('shop', 'web', 1, 'web-1', { pool: 'serving' });
  const draining = { ...serving, pool: 'draining' as const };
  const sig = (r: ReplicaStatus) => buildTopology({ ...snapshot(), replicas: [r] }).hostsByName.get('web-1')!.signature;
  assert.notEqual(sig(serving), sig(draining));
});

test("a host's ingress figure: requests/s from a metrics frame, worded short; a service's published ports", () => {
  const frame = {
    time: '2025-01-01T00:00:00Z',
    replicas: [],
    hosts: [{ host: 'a', requests: { perSec: 12.4 }, ingress: { perSec: 30 } }, { host: 'b', requests: null, ingress: null }, { host: 'c', requests: { perSec: 1 } }],
  } as unknown as Parameters<typeof requestsByHost>[0];
  assert.deepEqual([...requestsByHost(frame)], [['a', { ingress: 30, served: 12.4 }], ['c', { ingress: null, served: 1 }]], 'c: a frame without the ingress figure');
  assert.deepEqual([0, 2.5, 12.4, 3400, 25_000].map(requestsText), ['0 req/s', '2.5 req/s', '12 req/s', '3.4k req/s', '25k req/s']);
  assert.equal(publishedPort({ target: 80, protocol: 'tcp', published: 8080, reach: 'ingress' })?.text, ':8080 → 80/tcp');
  assert.equal(publishedPort({ target: 53, protocol: 'udp', published: 5353, reach: 'host' })?.text, ':5353 → 53/udp host');
  assert.equal(publishedPort({ target: 80, protocol: 'tcp', published: null, reach: 'random' }), null, 'no published port: not shown');
  assert.equal(publishedPort({ target: 5432, protocol: 'tcp', published: 5432, reach: 'ingress', hostIp: '127.0.0.1' })?.text, '127.0.0.1:5432 → 5432/tcp', 'bound on the loopback: said');
  assert.equal(publishedPort({ target: 80, protocol: 'tcp', published: null, reach: 'internal' }), null);
});
