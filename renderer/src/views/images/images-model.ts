// The images view's logic, pure: which images each host has (image.list answers per image), and a
// push as it goes (the image.push stream's chunks folded into one bar per host).
import type { ImageInfo, ImagePushChunk, ImageTransfer } from '../../../../shared/images.ts';
import { formatBytes } from '../hosts/format.ts';

/** As shared/images.ts LOCAL_ENGINE_PLACE (a plain value: the renderer takes no zod here). */
export const LOCAL_ENGINE = '(local engine)';

export interface HostImages {
  host: string;
  images: { ref: string; id: string; size: string }[];
}

/** Every host named (and the local engine, when it has images), each with its images by name; a host with none is listed empty. */
export function imagesByHost(images: readonly ImageInfo[], hosts: readonly string[]): HostImages[] {
  const places = [...hosts];
  if (images.some((i) => i.hosts.includes(LOCAL_ENGINE))) places.push(LOCAL_ENGINE);
  return places.map((host) => ({
    host,
    images: images
      .filter((i) => i.hosts.includes(host))
      .map((i) => ({ ref: i.ref, id: i.id.replace(/^sha256:/, '').slice(0, 12), size: formatBytes(i.sizeBytes) }))
      .sort((a, b) => a.ref.localeCompare(b.ref)),
  }));
}

export interface PushBar {
  host: string;
  /** 0–100. */
  percent: number;
  state: 'present' | 'waiting' | 'sending' | 'loading' | 'done' | 'failed';
  text: string;
}

export interface PushState {
  image: string;
  source: string | null;
  bars: PushBar[];
  /** null while it goes; then done or failed (with the stream's error). */
  outcome: 'done' | 'failed' | null;
  error: string | null;
}

export function pushStarted(image: string): PushState {
  return { image, source: null, bars: [], outcome: null, error: null };
}

function barOf(t: ImageTransfer): PushBar {
  const percent = t.state === 'done' ? 100 : t.totalBytes === 0 ? 0 : Math.min(99, Math.floor((t.sentBytes / t.totalBytes) * 100));
  const skipped = t.skippedBytes > 0 ? ` (${formatBytes(t.skippedBytes)} of layers it had left out)` : '';
  const text =
    t.state === 'failed'
      ? `failed: ${t.error ?? 'no reason given'}`
      : t.state === 'done'
        ? `${formatBytes(t.sentBytes)} sent${skipped}`
        : t.state === 'loading'
          ? `${formatBytes(t.sentBytes)} sent, loading`
          : `${formatBytes(t.sentBytes)} of ${formatBytes(t.totalBytes)}`;
  return { host: t.host, percent, state: t.state, text };
}

/** Folds one chunk of the image.push stream into the bars. */
export function pushChunk(state: PushState, chunk: ImagePushChunk): PushState {
  switch (chunk.kind) {
    case 'plan':
      return {
        ...state,
        source: chunk.source,
        bars: chunk.needs.map((n) =>
          n.action === 'copy'
            ? { host: n.host, percent: 0, state: 'waiting', text: `${formatBytes(n.bytes)} to send (${n.layersMissing} of ${n.layers} layers${n.whole ? ', whole image' : ''})` }
            : { host: n.host, percent: 100, state: 'present', text: n.action === 'tag' ? 'has it under another name: tagged' : 'has it already' },
        ),
      };
    case 'progress':
    case 'done': {
      const byHost = new Map(chunk.transfers.map((t) => [t.host, barOf(t)]));
      // a host that had it keeps saying so: the outcome lists it too, with nothing sent
      const bars = state.bars.map((b) => (b.state === 'present' ? b : (byHost.get(b.host) ?? b)));
      for (const [host, bar] of byHost) if (!bars.some((b) => b.host === host)) bars.push(bar);
      return { ...state, bars, ...(chunk.kind === 'done' ? { outcome: 'done' as const } : {}) };
    }
  }
}

/** The stream ended: by itself (done) or with an error (the bars say which host). */
export function pushEnded(state: PushState, error: string | null): PushState {
  if (error === null) return { ...state, outcome: state.outcome ?? 'done' };
  return { ...state, outcome: 'failed', error };
}
