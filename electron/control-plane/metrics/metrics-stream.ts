// The `metrics` stream: the last frame at once (when there is one), then every frame as the
// collector makes it, cut to one service's replicas and their hosts, or to the hosts alone, when asked.
import type { z } from 'zod';
import type { MetricsParams } from '../../../shared/api.ts';
import type { ErrorBody } from '../../../shared/errors.ts';
import type { MetricsFrame } from '../../../shared/metrics.ts';
import type { MetricsStore } from './metrics-store.ts';

export interface MetricsSink {
  chunk(frame: MetricsFrame): void;
  end(error: ErrorBody | null): void;
}

export function openMetricsStream(store: MetricsStore, params: z.output<typeof MetricsParams>, resolveService: (ref: string) => { stack: string; name: string }, sink: MetricsSink): () => void {
  const only = params.service !== undefined ? resolveService(params.service) : null;
  const cut = (frame: MetricsFrame): MetricsFrame => {
    if (params.hostsOnly === true) return { time: frame.time, replicas: [], hosts: frame.hosts };
    if (only === null) return frame;
    const replicas = frame.replicas.filter((r) => r.stack === only.stack && r.service === only.name);
    const hosts = new Set(replicas.map((r) => r.host));
    return { time: frame.time, replicas, hosts: frame.hosts.filter((h) => hosts.has(h.host)) };
  };
  const listener = (frame: MetricsFrame) => sink.chunk(cut(frame));
  const last = store.lastFrame();
  if (last) queueMicrotask(() => sink.chunk(cut(last)));
  store.on('frame', listener);
  return () => store.off('frame', listener);
}
