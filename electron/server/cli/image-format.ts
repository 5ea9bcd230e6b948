// How `baton image` prints: the table of which place has what, a push's plan, its bars, its outcome.
import type { ImageInfo, ImagePushChunk, ImageTransfer } from '../../../shared/images.ts';
import { formatBytes, progressBar } from '../../control-plane/images/progress.ts';
import { table } from './format.ts';

export function imagesTable(list: ImageInfo[]): string {
  if (list.length === 0) return 'No images on any host.';
  return table(
    ['IMAGE', 'ID', 'SIZE', 'HOSTS'],
    list.map((i) => [i.ref, i.id.replace(/^sha256:/, '').slice(0, 12), formatBytes(i.sizeBytes), i.hosts.join(', ')]),
  );
}

export function pushPlanText(chunk: Extract<ImagePushChunk, { kind: 'plan' }>): string {
  const lines = chunk.needs.map((n) =>
    n.action === 'present' ? `  ${n.host}: has it` : n.action === 'tag' ? `  ${n.host}: has the image under another name: tag only` : `  ${n.host}: about ${formatBytes(n.bytes)} (${n.layersMissing} of ${n.layers} layers${n.whole ? ', whole: containerd image store' : ''})`,
  );
  return [`Pushing ${chunk.image} (${chunk.id.replace(/^sha256:/, '').slice(0, 12)}) from ${chunk.source}:`, ...(lines.length ? lines : ['  no other host to push to'])].join('\n');
}

export function barsText(transfers: ImageTransfer[]): string[] {
  const width = Math.max(0, ...transfers.map((t) => t.host.length));
  return transfers.map((t) => `  ${t.host.padEnd(width)} ${progressBar(t)}`);
}

export function pushDoneText(chunk: Extract<ImagePushChunk, { kind: 'done' }>): string {
  const sent = chunk.transfers.reduce((n, t) => n + t.sentBytes, 0);
  const skipped = chunk.transfers.reduce((n, t) => n + t.skippedBytes, 0);
  return `${chunk.image}: ${chunk.transfers.filter((t) => t.state === 'done').length}/${chunk.transfers.length} host(s) done in ${(chunk.durationMs / 1000).toFixed(1)} s; ${formatBytes(sent)} sent, ${formatBytes(skipped)} of layers the hosts had left out.`;
}
