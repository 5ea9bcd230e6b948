// Live charts of a service, a replica or a host: CPU, memory, requests/s and p95 response time
// (a host: CPU and memory against its capacity, and requests/s), the last 15 minutes or the last
// hour, drawn with uPlot on canvases. Filled from the metrics feed as frames arrive (no polling),
// seeded from the control plane's series when opened. A service's charts carry the autoscaler's
// decisions as marks, each with its reason. uPlot's stylesheet comes with the build's CSS (a
// file, as the renderer's CSP wants); it makes no <style> of its own.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApi } from '../../state/app-state.tsx';
import { cx } from '../../ui/cx.ts';
import { formatBytes } from '../hosts/format.ts';
import { ChartData } from './chart-data.ts';
import type { ChartSubject } from './chart-points.ts';
import { bucketSeconds, chartWindow, downsample, SPAN_LABELS, type ChartSpan, type ChartWindow } from './chart-window.ts';
import { markText, placeMarks, type PlacedMark } from './decision-marks.ts';
import { feedOf } from './use-feed.ts';
import type { Measure } from './series-buffer.ts';

const HEIGHT = 72;

interface ChartSpec {
  measure: Measure;
  title: string;
  /** The value as the axis and the readout say it. */
  format: (v: number) => string;
  /** Multiplies the stored value for drawing (a host's CPU in cores, not % of one). */
  scale?: number;
  /** A flat line the values are held against (a host's capacity). */
  limit?: (data: ChartData) => number | null;
  stroke: string;
}

const percent = (v: number): string => `${v >= 100 ? Math.round(v) : v.toFixed(1)} %`;
const perSec = (v: number): string => `${v >= 100 ? Math.round(v) : v.toFixed(1)}/s`;
const ms = (v: number): string => `${v >= 100 ? Math.round(v) : v.toFixed(1)} ms`;
const cores = (v: number): string => `${v >= 10 ? Math.round(v) : v.toFixed(2)} cores`;

const SUBJECT_CHARTS: ChartSpec[] = [
  { measure: 'cpu', title: 'CPU (% of a core)', format: percent, stroke: '#6366f1' },
  { measure: 'memory', title: 'Memory', format: formatBytes, stroke: '#0ea5e9' },
  { measure: 'rps', title: 'Requests/s', format: perSec, stroke: '#10b981' },
  { measure: 'p95', title: 'p95 response time', format: ms, stroke: '#f59e0b' },
];

const HOST_CHARTS: ChartSpec[] = [
  { measure: 'cpu', title: 'CPU used of capacity', format: cores, scale: 0.01, limit: (d) => d.capacity?.cpus ?? null, stroke: '#6366f1' },
  { measure: 'memory', title: 'Memory used of capacity', format: formatBytes, limit: (d) => d.capacity?.memoryBytes ?? null, stroke: '#0ea5e9' },
  { measure: 'rps', title: 'Requests/s served here', format: perSec, stroke: '#10b981' },
];

export interface MetricsChartsProps {
  subject: ChartSubject;
  /** A service's replicas (container names), for its history. */
  replicas?: readonly string[];
}

export function MetricsCharts({ subject, replicas }: MetricsChartsProps) {
  const api = useApi();
  const replicasRef = useRef(replicas ?? []);
  replicasRef.current = replicas ?? [];
  const id = subject.kind === 'service' ? subject.key : subject.name;
  const data = useMemo(() => new ChartData(api, feedOf(api), subject, () => replicasRef.current), [api, subject.kind, id]);
  useEffect(() => data.start(), [data]);
  const snapshot = useSyncExternalStore(data.subscribe, data.getSnapshot);
  const [span, setSpan] = useState<ChartSpan>('15m');
  const shown = chartWindow(span, data.buffer.newest, Date.now() / 1000);
  const specs = subject.kind === 'host' ? HOST_CHARTS : SUBJECT_CHARTS;
  return (
    <div data-testid="metrics-charts" data-subject={subject.kind} data-points={data.buffer.length} data-newest={data.buffer.newest ?? ''} className="flex flex-col gap-2">
      <div className="flex items-center gap-2 text-[11px] text-zinc-500 dark:text-zinc-400">
        <span>{data.buffer.length === 0 ? (snapshot.seeded ? 'Waiting for the first measurement…' : 'Loading…') : `Live, last ${SPAN_LABELS[span]}`}</span>
        <div role="group" aria-label="Time shown" className="ml-auto flex overflow-hidden rounded-md border border-zinc-200 dark:border-zinc-800">
          {(['15m', '1h'] as const).map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={span === s}
              onClick={() => setSpan(s)}
              className={cx('px-1.5 py-0.5 tabular-nums', span === s ? 'bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900')}
            >
              {SPAN_LABELS[s]}
            </button>
          ))}
        </div>
      </div>
      {snapshot.historyError !== null && <p className="text-[11px] text-amber-700 dark:text-amber-300">History not loaded ({snapshot.historyError}): live from now on.</p>}
      {specs.map((spec, i) => (
        <Chart key={spec.measure} spec={spec} data={data} revision={snapshot.revision} window={shown} marks={subject.kind === 'service' && i === 0} />
      ))}
      {subject.kind === 'service' && data.marks.length > 0 && (
        <p className="text-[11px] text-zinc-500 dark:text-zinc-400">
          <span className="mr-1 inline-block h-2.5 w-0.5 bg-fuchsia-500 align-middle" />
          autoscaler decisions (hover a mark for its reason)
        </p>
      )}
    </div>
  );
}

// one formatter for all (toLocaleTimeString with options builds one per call)
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function timeText(t: number): string {
  return TIME.format(t * 1000);
}

function Chart({ spec, data, revision, window, marks }: { spec: ChartSpec; data: ChartData; revision: number; window: ChartWindow; marks: boolean }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const [placed, setPlaced] = useState<PlacedMark[]>([]);

  useLayoutEffect(() => {
    const el = hostRef.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    observer.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = hostRef.current;
    if (el === null || width === 0) return;
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#71717a', grid: { show: false }, ticks: { show: false }, size: 18, font: '10px sans-serif' },
        { stroke: '#71717a', grid: { stroke: 'rgba(113,113,122,0.15)', width: 1 }, ticks: { show: false }, size: 56, font: '10px sans-serif', values: (_u, vals) => vals.map((v) => spec.format(v)) },
      ],
      series: [{}, { stroke: spec.stroke, width: 1.25, fill: `${spec.stroke}1a`, spanGaps: false, points: { show: false } }, { stroke: '#a1a1aa', width: 1, dash: [4, 3], points: { show: false } }],
    };
    const plot = new uPlot(opts, [[], [], []], el);
    plotRef.current = plot;
    return () => {
      plot.destroy();
      plotRef.current = null;
    };
  }, [width, spec]);

  useLayoutEffect(() => {
    const plot = plotRef.current;
    if (plot === null) return;
    const { times, columns } = data.buffer.range(window.from, window.to);
    const plotWidth = Math.max(1, plot.bbox.width / (globalThis.devicePixelRatio || 1));
    const ds = downsample(times, columns, bucketSeconds(window, plotWidth / 2), [spec.measure]);
    const scale = spec.scale ?? 1;
    const values = scale === 1 ? ds.columns[spec.measure] : ds.columns[spec.measure].map((v) => (v === null ? null : v * scale));
    const limit = spec.limit?.(data) ?? null;
    plot.batch(() => {
      plot.setData([ds.times, values, ds.times.map(() => limit)], false);
      plot.setScale('x', { min: window.from, max: window.to });
    });
    if (marks) setPlaced(placeMarks(data.marks, window, plotWidth));
  }, [revision, width, window.from, window.to, spec, data, marks]);

  const last = data.buffer.newest === null ? null : data.buffer.range(data.buffer.newest, data.buffer.newest).columns[spec.measure][0] ?? null;
  const plot = plotRef.current;
  const left = plot === null ? 0 : plot.bbox.left / (globalThis.devicePixelRatio || 1);
  return (
    <figure data-testid="metric-chart" data-measure={spec.measure} className="m-0">
      <figcaption className="flex items-baseline gap-2 text-[11px]">
        <span className="text-zinc-500 dark:text-zinc-400">{spec.title}</span>
        <span data-testid="chart-value" className="ml-auto text-zinc-800 tabular-nums dark:text-zinc-200">{last === null ? '—' : spec.format(last * (spec.scale ?? 1))}</span>
      </figcaption>
      <div ref={hostRef} className="relative">
        {placed.map((m) => (
          <span
            key={`${m.t}:${m.marks.length}`}
            data-testid="decision-mark"
            data-kind={m.kind}
            title={markText(m, timeText)}
            className={cx('absolute top-0 z-10 w-0.5 cursor-help', m.kind === 'scale' ? 'bg-fuchsia-500' : 'bg-fuchsia-300/70 dark:bg-fuchsia-400/50')}
            style={{ left: left + m.x, height: HEIGHT - 18 }}
          />
        ))}
      </div>
    </figure>
  );
}
