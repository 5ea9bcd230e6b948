// `npm run bench -- images`: an image of about 100 MB, built on the engine of the machine Baton
// runs on (lab host 4 plays that machine: Baton's local engine is its socket), delivered to the 3
// other lab hosts with no registry: Baton's `image push` against `docker save | ssh host docker
// load` one host after the other (what people do by hand) and all at once, in the same run. Then a
// second version that differs by one small layer, the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IN_PROCESS } from '../electron/control-plane/api/caller.ts';
import { ControlPlane } from '../electron/control-plane/index.ts';
import { silentLogger } from '../electron/control-plane/log.ts';
import type { ImagePushChunk } from '../shared/images.ts';
import { BatonError } from '../shared/errors.ts';
import { clearSystemContainers } from '../test/integration/helpers.ts';
import { dockerCli, labUp, type LabHost, type LabInfo } from '../test/lab/lab.ts';
import { IMAGES } from '../test/lab/layout.ts';
import { markdownTable, ratio } from './stats.ts';

const V1 = 'baton-bench/images:1';
const V2 = 'baton-bench/images:2';
const MB = Number(process.env.BENCH_IMAGE_MB ?? 100);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function sh(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command}: exit ${code}: ${err.slice(-400)}`))));
  });
}

async function build(h: LabHost, tag: string, from: string, run: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-images-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${from}\nRUN ${run}\n`);
  const out = await dockerCli(h, ['build', '-q', '-t', tag, dir]);
  if (out.code !== 0) throw new Error(`docker build ${tag} on ${h.name}: ${out.stderr}`);
}

async function sizeOf(h: LabHost, ref: string): Promise<number> {
  return Number((await dockerCli(h, ['image', 'inspect', '--format', '{{.Size}}', ref])).stdout.trim());
}

async function removeOn(hosts: LabHost[], refs: string[]): Promise<void> {
  await Promise.all(hosts.map((h) => dockerCli(h, ['rmi', '-f', ...refs])));
}

/** The peer: `docker save IMAGE | ssh root@HOST docker load`, from the machine that has the image. */
function peerCommand(lab: LabInfo, source: LabHost, target: LabHost, ref: string): string {
  return `docker -H unix://${source.dockerSocket} save ${ref} | ssh -i ${lab.keys.root} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@${target.address} docker load -q`;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function batonPush(plane: ControlPlane, ref: string): Promise<{ ms: number; sent: number; skipped: number }> {
  const started = performance.now();
  const chunks: ImagePushChunk[] = [];
  await new Promise<void>((resolve, reject) => {
    plane.stream('image.push', { image: ref, all: true }, { chunk: (c) => chunks.push(c as ImagePushChunk), end: (e) => (e ? reject(BatonError.fromBody(e)) : resolve()) });
  });
  const ms = performance.now() - started;
  const done = chunks.at(-1);
  if (done?.kind !== 'done') throw new Error('the push ended without its outcome');
  return { ms, sent: done.transfers.reduce((n, t) => n + t.sentBytes, 0), skipped: done.transfers.reduce((n, t) => n + t.skippedBytes, 0) };
}

export async function benchImages(): Promise<string> {
  const lab = await labUp({ hosts: 4 });
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const source = lab.hosts[3]!;
  const targets = lab.hosts.slice(0, 3);
  await removeOn(lab.hosts, [V2, V1]);
  log(`building ${V1} (${MB} MB of random bytes on ${IMAGES.web1}) and ${V2} (one small layer more) on ${source.name}`);
  await build(source, V1, IMAGES.web1, `dd if=/dev/urandom of=/data bs=1M count=${MB} 2>/dev/null`);
  await build(source, V2, V1, `echo 2 > /version`);
  const size1 = await sizeOf(source, V1);
  const size2 = await sizeOf(source, V2);

  const peer = async (ref: string, parallel: boolean) => {
    const ms = await timed(async () => {
      if (parallel) await Promise.all(targets.map((t) => sh(peerCommand(lab, source, t, ref))));
      else for (const t of targets) await sh(peerCommand(lab, source, t, ref));
    });
    log(`peer ${parallel ? 'parallel' : 'sequential'} ${ref}: ${s(ms)}`);
    return ms;
  };

  // first version: the hosts have the base image only
  const peerSeq1 = await peer(V1, false);
  await removeOn(targets, [V1]);
  const peerPar1 = await peer(V1, true);
  await removeOn(targets, [V1]);

  const home = mkdtempSync(join(tmpdir(), 'baton-bench-images-home-'));
  await clearSystemContainers();
  const plane = await ControlPlane.start({ home, userHome: home, logger: silentLogger(), localSocket: source.dockerSocket, ingressImage: IMAGES.haproxy });
  try {
    for (const [i, h] of targets.entries()) {
      const added = await plane.dispatch('host.add', { target: `root@${h.address}`, name: `h${i + 1}`, identityFile: lab.keys.root, hostKey: h.hostKeyFingerprint }, IN_PROCESS);
      if ('error' in added) throw BatonError.fromBody(added.error);
    }
    const baton1 = await batonPush(plane, V1);
    log(`baton ${V1}: ${s(baton1.ms)}, ${mb(baton1.sent)} sent`);

    // second version: every host has the first (as Baton left it); the peer's copies are removed after each run
    const peerSeq2 = await peer(V2, false);
    await removeOn(targets, [V2]);
    const peerPar2 = await peer(V2, true);
    await removeOn(targets, [V2]);
    const baton2 = await batonPush(plane, V2);
    log(`baton ${V2}: ${s(baton2.ms)}, ${(baton2.sent / 1000).toFixed(1)} kB sent`);

    const peerBytes1 = size1 * 3; // a save archive is the image's layers plus some kB of metadata
    const peerBytes2 = size2 * 3;
    const rows = [
      [`(1) ${V1}, ${mb(size1)}, to 3 hosts`, s(baton1.ms), s(peerSeq1), ratio(peerSeq1, baton1.ms), s(peerPar1), ratio(peerPar1, baton1.ms), `${mb(baton1.sent)} / ≈${mb(peerBytes1)}`],
      [`(2) ${V2}: one small layer more`, s(baton2.ms), s(peerSeq2), ratio(peerSeq2, baton2.ms), s(peerPar2), ratio(peerPar2, baton2.ms), `${(baton2.sent / 1000).toFixed(1)} kB / ≈${mb(peerBytes2)}`],
    ];
    return [
      `images: Baton's image push (from the local engine: lab host 4's socket) vs docker save | ssh HOST docker load, to the 3 other lab hosts, same run`,
      markdownTable(['push', 'baton', 'peer sequential', 'seq/baton', 'peer parallel', 'par/baton', 'bytes sent baton / peer'], rows),
      `(2) Baton sent ${((100 * baton2.sent) / peerBytes2).toFixed(3)} % of the image's bytes (${baton2.sent} of ${peerBytes2} for 3 hosts), and left ${mb(baton2.skipped)} of layers the hosts had out`,
    ].join('\n');
  } finally {
    await plane.stop();
    await clearSystemContainers();
    await removeOn(lab.hosts, [V2, V1]);
  }
}
