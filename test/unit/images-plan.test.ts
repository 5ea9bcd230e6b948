import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { makeTar } from '../../electron/control-plane/hosts/tar.ts';
import { chooseSource, layerSizes, layersToSkip, missingLayers, planCopies, type SourceImage, type TargetView } from '../../electron/control-plane/images/plan.ts';
import { formatBytes, progressBar, TransferProgress } from '../../electron/control-plane/images/progress.ts';
import { chainIds, SaveArchiveDecider, v1LayerIds } from '../../electron/control-plane/images/save-layers.ts';
import { TarFilter } from '../../electron/control-plane/images/tar-filter.ts';
import type { ImageTransfer } from '../../shared/images.ts';

// From a lab host (Docker 20.10): `docker save` of FROM baton-test/web:1 + RUN, its layers and the
// json of its base layer's folder.
const LAB_LAYERS = ['sha256:af4243b4556e8545791bf94f3e13fc53f38b44c4eefbe7067d23a4785ec47c3b', 'sha256:35d5d360890dd92ac30a4619b90318cd081d21e072824422db1f28a69b004ab5'];
const LAB_BASE_FOLDER = 'cb590cd8537d1a6d95e1d6aff05b35d8c2a77894aadfafd8e5667c39f6237e61';
const LAB_BASE_JSON = `{"id":"${LAB_BASE_FOLDER}","created":"1970-01-01T00:00:00Z","container_config":{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null},"os":"linux"}`;

test("a layer's folder in a docker save archive is derived from its json and the layer chain, as Docker does", () => {
  const ids = v1LayerIds(JSON.parse(LAB_BASE_JSON) as Record<string, unknown>, LAB_LAYERS);
  assert.equal(ids[0], LAB_BASE_FOLDER);
  assert.equal(chainIds(LAB_LAYERS)[0], LAB_LAYERS[0]);
  assert.match(chainIds(LAB_LAYERS)[1]!, /^sha256:[0-9a-f]{64}$/);
});

async function run(archive: Buffer, decider: SaveArchiveDecider): Promise<{ out: Buffer; f: TarFilter }> {
  const f = new TarFilter(decider);
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => Readable.from([archive.subarray(0, 1000), archive.subarray(1000)]).pipe(f).on('data', (c: Buffer) => out.push(c)).on('end', resolve).on('error', reject));
  return { out: Buffer.concat(out), f };
}

/** A save archive as Docker 20.10 writes one: folders in name order, the top layer with its own json, manifest last. */
function saveArchive(layers: string[], folders: string[]): Buffer {
  const template = JSON.parse(LAB_BASE_JSON) as Record<string, unknown>;
  const entries = folders.flatMap((folder, i) => {
    const json = i === folders.length - 1 ? { id: folder, parent: folders[i - 1], created: '2026-01-01T00:00:00Z', config: { Env: ['A=<b>'] } } : { ...template, id: folder, ...(i > 0 ? { parent: folders[i - 1] } : {}) };
    return [{ name: `${folder}/` }, { name: `${folder}/VERSION`, content: '1.0' }, { name: `${folder}/json`, content: JSON.stringify(json) }, { name: `${folder}/layer.tar`, content: Buffer.alloc(3000 + i, i) }];
  });
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : 1));
  return makeTar([...sorted, { name: 'manifest.json', content: JSON.stringify([{ Layers: folders.map((f) => `${f}/layer.tar`) }]) }, { name: 'repositories', content: '{}' }]);
}

test('the layers a host has are left out of a save archive; the top layer, jsons and the manifest stay', async () => {
  const layers = ['sha256:' + '1'.repeat(64), 'sha256:' + '2'.repeat(64), 'sha256:' + '3'.repeat(64)];
  const folders = v1LayerIds(JSON.parse(LAB_BASE_JSON) as Record<string, unknown>, layers);
  folders[2] = 'f'.repeat(64); // the top layer's folder comes from the image's own config: not derivable here
  const archive = saveArchive(layers, folders);
  const decider = new SaveArchiveDecider(layers, new Set([layers[0]!, layers[1]!, layers[2]!]));
  const { out, f } = await run(archive, decider);
  assert.deepEqual(f.droppedEntries.sort(), [`${folders[0]}/layer.tar`, `${folders[1]}/layer.tar`].sort());
  assert.deepEqual(decider.skippedLayers.sort(), [layers[0], layers[1]].sort());
  assert.ok(out.includes(Buffer.from('manifest.json')));
  assert.ok(out.includes(Buffer.from(`${folders[2]}/layer.tar`)));
  // nothing to skip: the archive as it came
  const whole = await run(archive, new SaveArchiveDecider(layers, new Set()));
  assert.ok(whole.out.equals(archive));
});

test('an OCI layout (Docker 25+): a layer blob named by its diff id is left out', async () => {
  const layer = 'a'.repeat(64);
  const archive = makeTar([{ name: 'blobs/' }, { name: 'blobs/sha256/' }, { name: `blobs/sha256/${layer}`, content: 'L'.repeat(2000) }, { name: `blobs/sha256/${'c'.repeat(64)}`, content: '{}' }, { name: 'index.json', content: '{}' }]);
  const { f } = await run(archive, new SaveArchiveDecider([`sha256:${layer}`], new Set([`sha256:${layer}`])));
  assert.deepEqual(f.droppedEntries, [`blobs/sha256/${layer}`]);
});

const image: SourceImage = { id: 'sha256:new', diffIds: ['sha256:base', 'sha256:mid', 'sha256:top'], layerSizes: [50_000_000, 1_000, 20], sizeBytes: 50_001_020 };
const view = (host: string, over: Partial<TargetView> = {}): TargetView => ({ host, refId: null, hasId: false, layers: new Set(), containerdStore: false, ...over });

test('what each host needs: nothing, a tag, the layers it lacks, or the whole image on a containerd store', () => {
  const needs = planCopies(image, [
    view('has', { refId: 'sha256:new', hasId: true }),
    view('renamed', { hasId: true, refId: 'sha256:old' }),
    view('base', { layers: new Set(['sha256:base', 'sha256:other']) }),
    view('empty'),
    view('containerd', { layers: new Set(['sha256:base', 'sha256:mid']), containerdStore: true }),
  ]);
  assert.deepEqual(
    needs.map((n) => [n.host, n.action, n.bytes, n.layersMissing, n.whole]),
    [
      ['has', 'present', 0, 0, false],
      ['renamed', 'tag', 0, 0, false],
      ['base', 'copy', 1_020, 2, false],
      ['empty', 'copy', 50_001_020, 3, false],
      ['containerd', 'copy', 50_001_020, 3, true],
    ],
  );
  assert.deepEqual([...layersToSkip(image, view('x', { layers: new Set(['sha256:mid']) }))], ['sha256:mid']);
  assert.deepEqual([...layersToSkip(image, view('x', { layers: new Set(['sha256:mid']), containerdStore: true }))], []);
  assert.deepEqual(missingLayers(image, view('x', { layers: new Set(['sha256:top']) })), ['sha256:base', 'sha256:mid']);
  // sizes unknown: the whole image is what a copy may take
  assert.equal(planCopies({ ...image, layerSizes: null }, [view('b', { layers: new Set(['sha256:base']) })])[0]!.bytes, 50_001_020);
});

test('layer sizes from the history: sized entries are the layers, else one entry per layer, else unknown', () => {
  // newest first, as Docker answers; metadata-only steps have no size
  assert.deepEqual(layerSizes([{ Size: 20 }, { Size: 0 }, { Size: 1000 }, { Size: 0 }, { Size: 5000 }], 3), [5000, 1000, 20]);
  assert.deepEqual(layerSizes([{ Size: 0 }, { Size: 7 }], 2), [7, 0]);
  assert.equal(layerSizes([{ Size: 0 }, { Size: 0 }, { Size: 7 }], 2), null);
});

test('the source: the local engine first, then hosts by name; refused when the reference means two images', () => {
  assert.deepEqual(chooseSource([{ place: 'h2', id: 'sha256:a', local: false }, { place: 'h1', id: 'sha256:a', local: false }]), { kind: 'source', place: 'h1', id: 'sha256:a' });
  assert.deepEqual(chooseSource([{ place: 'h1', id: 'sha256:a', local: false }, { place: '(local engine)', id: 'sha256:b', local: true }]), { kind: 'source', place: '(local engine)', id: 'sha256:b' });
  assert.deepEqual(chooseSource([{ place: 'h1', id: null, local: false }]), { kind: 'nowhere' });
  assert.deepEqual(chooseSource([{ place: 'h1', id: 'sha256:a', local: false }, { place: 'h2', id: 'sha256:b', local: false }]), { kind: 'ambiguous', ids: { 'sha256:a': ['h1'], 'sha256:b': ['h2'] } });
  assert.deepEqual(chooseSource([{ place: 'h1', id: 'sha256:a', local: false }, { place: 'h2', id: 'sha256:b', local: false }], 'sha256:b'), { kind: 'source', place: 'h2', id: 'sha256:b' });
});

test('progress: reported at most every interval, always at a change of state; totals never below what was sent', () => {
  let now = 0;
  const reports: ImageTransfer[][] = [];
  const p = new TransferProgress([{ host: 'h1', totalBytes: 1000 }, { host: 'h2', totalBytes: 10 }], (t) => reports.push(t), 250, () => now);
  p.sent('h1', 100, 5000);
  now = 100;
  p.sent('h1', 200, 5000);
  assert.equal(reports.length, 1, 'the second update within 250 ms is not reported');
  now = 400;
  p.sent('h2', 50, 0);
  assert.equal(reports.length, 2);
  assert.equal(reports[1]!.find((t) => t.host === 'h2')!.totalBytes, 50, 'a low estimate grows to what was sent');
  p.loading('h1');
  p.done('h1');
  p.failed('h2', 'no space left on device');
  const last = reports.at(-1)!;
  assert.deepEqual(last.map((t) => [t.host, t.state, t.sentBytes, t.totalBytes, t.skippedBytes]), [['h1', 'done', 200, 200, 5000], ['h2', 'failed', 50, 50, 0]]);
  assert.equal(progressBar({ host: 'h', sentBytes: 500, totalBytes: 1000, skippedBytes: 0, state: 'sending', error: null }, 10), '[#####.....] 500 B / 1.0 kB');
  assert.equal(formatBytes(104_857_600), '104.9 MB');
});
