// The images and volumes views' logic: images per host, a push folded into one bar per host, and
// volumes per host with the services that use them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VolumeInfo } from '../../shared/api.ts';
import { LOCAL_ENGINE_PLACE, type ImageInfo } from '../../shared/images.ts';
import { imagesByHost, LOCAL_ENGINE, pushChunk, pushEnded, pushStarted } from '../../renderer/src/views/images/images-model.ts';
import { volumesByHost } from '../../renderer/src/views/volumes/volumes-model.ts';

const image = (ref: string, hosts: string[], sizeBytes = 5 * 2 ** 20): ImageInfo => ({ ref, id: `sha256:${ref.length}abcdef0123456789`, sizeBytes, hosts });

test('images per host: every host listed, even empty; the local engine only when it has some', () => {
  assert.equal(LOCAL_ENGINE, LOCAL_ENGINE_PLACE);
  const list = [image('web:2', ['h1']), image('web:1', ['h1', 'h2'])];
  const by = imagesByHost(list, ['h1', 'h2', 'h3']);
  assert.deepEqual(by.map((h) => [h.host, h.images.map((i) => i.ref)]), [['h1', ['web:1', 'web:2']], ['h2', ['web:1']], ['h3', []]]);
  assert.equal(by[0]!.images[0]!.size, '5 MiB');
  assert.equal(by[0]!.images[0]!.id.length, 12);
  assert.deepEqual(imagesByHost([image('db:1', [LOCAL_ENGINE_PLACE])], ['h1']).map((h) => h.host), ['h1', LOCAL_ENGINE_PLACE]);
});

test('a push: the plan makes one bar per host, progress moves them, done fills them; an error ends it', () => {
  let s = pushStarted('web:2');
  s = pushChunk(s, {
    kind: 'plan',
    image: 'web:2',
    id: 'sha256:x',
    source: 'h1',
    needs: [
      { host: 'h2', action: 'copy', bytes: 2048, layersMissing: 1, layers: 3, whole: false },
      { host: 'h3', action: 'present', bytes: 0, layersMissing: 0, layers: 3, whole: false },
    ],
  });
  assert.equal(s.source, 'h1');
  assert.deepEqual(s.bars.map((b) => [b.host, b.state, b.percent]), [['h2', 'waiting', 0], ['h3', 'present', 100]]);
  assert.match(s.bars[0]!.text, /2 KiB to send \(1 of 3 layers\)/);
  const t = (sentBytes: number, state: 'sending' | 'loading' | 'done' | 'failed', error: string | null = null) => ({ host: 'h2', sentBytes, totalBytes: 2048, skippedBytes: 4096, state, error });
  s = pushChunk(s, { kind: 'progress', image: 'web:2', transfers: [t(1024, 'sending')] });
  assert.deepEqual([s.bars[0]!.percent, s.bars[0]!.text], [50, '1 KiB of 2 KiB']);
  assert.equal(s.bars[1]!.state, 'present', 'a host the progress does not name keeps its bar');
  s = pushChunk(s, { kind: 'progress', image: 'web:2', transfers: [t(2048, 'loading')] });
  assert.equal(s.bars[0]!.percent, 99, 'full only once loaded');
  s = pushChunk(s, { kind: 'done', image: 'web:2', id: 'sha256:x', source: 'h1', transfers: [t(2048, 'done'), { host: 'h3', sentBytes: 0, totalBytes: 0, skippedBytes: 0, state: 'done', error: null }], durationMs: 300 });
  assert.deepEqual([s.bars[0]!.percent, s.outcome], [100, 'done']);
  assert.deepEqual([s.bars[1]!.state, s.bars[1]!.text], ['present', 'has it already'], 'the outcome names a host that had it: it still says so');
  assert.match(s.bars[0]!.text, /2 KiB sent \(4 KiB of layers it had left out\)/);
  assert.equal(pushEnded(s, null).outcome, 'done');
  const failed = pushEnded(pushChunk(s, { kind: 'progress', image: 'web:2', transfers: [t(10, 'failed', 'disk full')] }), 'h2 could not get web:2');
  assert.deepEqual([failed.outcome, failed.error, failed.bars[0]!.text], ['failed', 'h2 could not get web:2', 'failed: disk full']);
});

test('volumes per host with their users, and what kind each is', () => {
  const v = (over: Partial<VolumeInfo>): VolumeInfo => ({ host: 'h1', name: 'shop_data', stack: 'shop', volume: 'data', driver: 'local', type: null, size: 1024, services: ['shop/db'], external: false, hostReachable: true, ...over });
  const by = volumesByHost([v({ host: 'h2', name: 'b' }), v({ name: 'z', type: 'nfs', services: [], size: null }), v({ name: 'a', external: true, stack: null, volume: null }), v({ host: 'h3', hostReachable: false })]);
  assert.deepEqual(by.map((h) => [h.host, h.reachable, h.volumes.map((x) => x.name)]), [['h1', true, ['a', 'z']], ['h2', true, ['b']], ['h3', false, ['shop_data']]]);
  assert.deepEqual(by[0]!.volumes[0], { name: 'a', origin: 'external', kind: 'local', size: '1 KiB', users: 'shop/db' });
  assert.deepEqual(by[0]!.volumes[1], { name: 'z', origin: 'shop (data)', kind: 'local, nfs', size: '—', users: 'no service' });
});
