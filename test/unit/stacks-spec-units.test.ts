import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseCpus, parseDuration } from '../../electron/control-plane/stacks/spec/units.ts';
import { splitShellWords } from '../../electron/control-plane/stacks/spec/shell-words.ts';
import { parseShortPort } from '../../electron/control-plane/stacks/spec/ports.ts';
import { parseConstraint } from '../../electron/control-plane/stacks/spec/placement.ts';
import { closest, editDistance } from '../../electron/control-plane/stacks/spec/suggest.ts';
import { canonicalJson } from '../../electron/control-plane/stacks/spec/spec-hash.ts';

test('Compose durations (Go time.ParseDuration) in milliseconds', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['10s', 10_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['2h45m10s', 9_910_000],
    ['250us', 0.25],
    ['1000000ns', 1],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  for (const bad of ['', '10', '1m30', 'ten seconds', '5 s', '-5s', '1d', 's']) assert.equal(parseDuration(bad), null, bad);
});

test('memory sizes as Docker reads them: binary units, any case, optional b', () => {
  const cases: [string | number, number][] = [
    ['512M', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['100mb', 100 * 1024 ** 2],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['64k', 65_536],
    ['2048', 2048],
    ['100b', 100],
    [1_048_576, 1_048_576],
  ];
  for (const [text, bytes] of cases) assert.equal(parseBytes(text), bytes, String(text));
  for (const bad of ['lots', '1x', '-1g', '', '1 gigs']) assert.equal(parseBytes(bad), null, bad);
  assert.equal(parseBytes(1.5), null);
});

test('CPUs to nano-CPUs', () => {
  assert.equal(parseCpus('0.5'), 500_000_000);
  assert.equal(parseCpus(2), 2_000_000_000);
  assert.equal(parseCpus('.25'), 250_000_000);
  assert.equal(parseCpus('half'), null);
  assert.equal(parseCpus(-1), null);
});

test('command strings are split like a shell would', () => {
  assert.deepEqual(splitShellWords('npm run start'), { words: ['npm', 'run', 'start'] });
  assert.deepEqual(splitShellWords(`sh -c 'echo "hi there" && sleep 1'`), { words: ['sh', '-c', 'echo "hi there" && sleep 1'] });
  assert.deepEqual(splitShellWords('echo "a \\"quoted\\" $HOME" b\\ c'), { words: ['echo', 'a "quoted" $HOME', 'b c'] });
  assert.deepEqual(splitShellWords('  spaced   out  '), { words: ['spaced', 'out'] });
  assert.deepEqual(splitShellWords('empty "" arg'), { words: ['empty', '', 'arg'] });
  assert.deepEqual(splitShellWords(''), { words: [] });
  assert.deepEqual(splitShellWords("it's"), { error: 'a single quote is not closed' });
});

test('short port syntax', () => {
  assert.deepEqual(parseShortPort('8080:80', true), { ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] });
  assert.deepEqual(parseShortPort('80', true), { ports: [{ target: 80, published: null, protocol: 'tcp', mode: 'ingress' }] });
  assert.deepEqual(parseShortPort('8080:80/udp', true), { ports: [{ target: 80, published: 8080, protocol: 'udp', mode: 'ingress' }] });
  assert.deepEqual(parseShortPort('8000-8001:80-81', true), {
    ports: [
      { target: 80, published: 8000, protocol: 'tcp', mode: 'ingress' },
      { target: 81, published: 8001, protocol: 'tcp', mode: 'ingress' },
    ],
  });
  assert.deepEqual(parseShortPort('9000-9001', true), {
    ports: [
      { target: 9000, published: null, protocol: 'tcp', mode: 'ingress' },
      { target: 9001, published: null, protocol: 'tcp', mode: 'ingress' },
    ],
  });
  // each host's loopback is the one address every host has: bound there, reachable from the host alone
  assert.deepEqual(parseShortPort('127.0.0.1:5432:5432', true), { ports: [{ target: 5432, published: 5432, protocol: 'tcp', mode: 'ingress', hostIp: '127.0.0.1' }] });
  assert.deepEqual(parseShortPort('[::1]:8080:80', true), { ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress', hostIp: '::1' }] });
  assert.deepEqual(parseShortPort('0.0.0.0:8080:80', true), { ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] }, 'all addresses: as when none is written');
  for (const [written, why] of [
    ['10.0.0.5:8080:80', /binds the port to 10\.0\.0\.5, an address of one machine/],
    ['[fe80::1]:8080:80', /an address of one machine/],
    ['127.0.0.1::80', /binds a random host port to 127\.0\.0\.1/],
    ['127.0.0.1:5353:53/udp', /binds a UDP port to 127\.0\.0\.1/],
  ] as const) {
    const r = parseShortPort(written, true);
    assert.ok('error' in r && why.test(r.error), `${written}: ${'error' in r ? r.error : 'accepted'}`);
  }
  for (const bad of ['0', '70000', '80:', 'http', '8000-8002:80-81', '81-80', '1:2:3:4']) {
    assert.ok('error' in parseShortPort(bad, true), bad);
  }
  assert.ok('error' in parseShortPort('8080:80', false), 'expose takes no published port');
});

test('placement constraints', () => {
  assert.deepEqual(parseConstraint('node.hostname == web-1'), { field: 'node.hostname', op: '==', value: 'web-1', text: 'node.hostname == web-1' });
  assert.deepEqual(parseConstraint('node.labels.zone!=eu'), { field: 'node.labels.zone', op: '!=', value: 'eu', text: 'node.labels.zone!=eu' });
  assert.deepEqual(parseConstraint('engine.labels.storage==ssd'), { field: 'engine.labels.storage', op: '==', value: 'ssd', text: 'engine.labels.storage==ssd' });
  assert.deepEqual(parseConstraint('node.role == manager'), { field: 'node.role', op: '==', value: 'manager', text: 'node.role == manager' });
  const error = (text: string) => {
    const r = parseConstraint(text);
    assert.ok('error' in r, text);
    return r.error;
  };
  assert.match(error('node.hostnam == a'), /did you mean `node.hostname`/);
  assert.match(error('node.label.zone == a'), /did you mean `node.labels.zone`/);
  assert.match(error('node.id == abc'), /use node.hostname/);
  assert.match(error('node.platform.os == linux'), /not supported yet/);
  assert.match(error('region == eu'), /region is not a field Baton knows; use node.hostname/);
  assert.match(error('node.hostname = a'), /compare with == or !=/);
  assert.match(error('node.hostname =='), /has nothing to compare node.hostname with/);
});

test('suggestions: edit distance with swaps, closest within 2', () => {
  assert.equal(editDistance('helthcheck', 'healthcheck'), 1);
  assert.equal(editDistance('prots', 'ports'), 1);
  assert.equal(closest('enviroment', ['environment', 'entrypoint']), 'environment');
  assert.equal(closest('zzz', ['image', 'ports']), null);
});

test('canonical JSON sorts keys at every level and keeps list order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }), '{"a":{"c":null,"d":[3,1]},"b":1}');
  assert.equal(canonicalJson({ a: undefined, b: 'x' }), '{"b":"x"}');
});
