// `platform:` places replicas only on hosts whose engine runs that platform, with a reason per host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeReplicas } from '../../electron/control-plane/scheduler/place-replicas.ts';
import { runsPlatform } from '../../electron/control-plane/scheduler/feasibility.ts';
import type { HostCandidate } from '../../electron/control-plane/scheduler/types.ts';
import { hostPlatform, platformMatches } from '../../shared/platform.ts';
import { serviceSpec } from './fixtures/service-spec.ts';

function host(name: string, platform?: HostCandidate['platform']): HostCandidate {
  return {
    name,
    ready: true,
    hostname: name,
    labels: {},
    engineLabels: {},
    nanoCpus: 4e9,
    memoryBytes: 8 * 2 ** 30,
    reservedNanoCpus: 0,
    reservedMemoryBytes: 0,
    usedHostPorts: [],
    replicasByService: {},
    ...(platform ? { platform } : {}),
  };
}

const X86 = { osType: 'linux', architecture: 'x86_64' };
const ARM = { osType: 'linux', architecture: 'aarch64' };

test("Compose's platform names against the engine's: linux/amd64 is x86_64, linux/arm64 is aarch64", () => {
  assert.equal(platformMatches('linux/amd64', 'linux', 'x86_64'), true);
  assert.equal(platformMatches('linux/arm64', 'linux', 'aarch64'), true);
  assert.equal(platformMatches('linux/arm64/v8', 'linux', 'arm64'), true);
  assert.equal(platformMatches('linux/amd64', 'linux', 'aarch64'), false);
  assert.equal(platformMatches('linux/arm64', 'linux', 'x86_64'), false);
  assert.equal(platformMatches('linux/amd64', 'windows', 'x86_64'), false);
  assert.equal(platformMatches('linux/arm/v7', 'linux', 'armv7l'), true);
  assert.equal(platformMatches('linux/arm/v7', 'linux', 'armv6l'), false);
  assert.equal(platformMatches('linux/arm/v6', 'linux', 'armv7l'), true);
  assert.equal(platformMatches('linux/386', 'linux', 'i686'), true);
  assert.equal(platformMatches('linux/toString', 'linux', 'x86_64'), false);
  assert.equal(hostPlatform('linux', 'x86_64'), 'linux/amd64');
  assert.equal(hostPlatform('linux', 'aarch64'), 'linux/arm64');
  assert.equal(hostPlatform('linux', 'sparc64'), 'linux/sparc64');
});

test('a service without platform goes anywhere, a host of unknown platform included', () => {
  assert.equal(runsPlatform({ service: serviceSpec(), count: 1, strategy: 'spread' }, host('a')), null);
  const result = placeReplicas({ service: serviceSpec(), count: 3, strategy: 'spread' }, [host('a', X86), host('b', ARM), host('c')]);
  assert.deepEqual([...result.hosts].sort(), ['a', 'b', 'c']);
});

test('replicas of a platform go only to hosts that run it; every other host says why', () => {
  const service = serviceSpec({ container: { platform: 'linux/arm64' } });
  const result = placeReplicas({ service, count: 2, strategy: 'spread' }, [host('x1', X86), host('arm1', ARM), host('unknown'), host('arm2', { osType: 'linux', architecture: 'arm64' })]);
  assert.deepEqual([...result.hosts].sort(), ['arm1', 'arm2']);
  const reason = (name: string) => result.verdicts.find((v) => v.host === name)?.reason;
  assert.equal(reason('x1'), 'runs linux/amd64 (x86_64), and the service asks for linux/arm64');
  assert.match(reason('unknown')!, /its platform is not known yet/);
  assert.equal(reason('arm1'), null);
});

test('when no host runs the platform, nothing is placed and the summary names each host\'s reason', () => {
  const service = serviceSpec({ container: { platform: 'linux/arm64' } });
  const result = placeReplicas({ service, count: 1, strategy: 'binpack' }, [host('x1', X86), host('x2', X86)]);
  assert.equal(result.unplaced, 1);
  assert.deepEqual(result.hosts, []);
  assert.match(result.summary ?? '', /x1.*runs linux\/amd64/);
  assert.match(result.summary ?? '', /x2/);
});
