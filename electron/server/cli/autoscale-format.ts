// `baton autoscale status` as a person reads it: the policy, what the metrics say now, and the
// decisions that scaled or were held back.
import type { AutoscaleDecision, AutoscaleStatus } from '../../../shared/autoscale.ts';
import { table } from './format.ts';

const seconds = (ms: number) => (ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n >= 10 ? 0 : 1));

export function autoscaleStatusText(s: AutoscaleStatus): string {
  const p = s.policy;
  const targets = [p.cpuPercent !== null ? `cpu ${num(p.cpuPercent)} % per replica` : null, p.requestsPerSecond !== null ? `${num(p.requestsPerSecond)} requests/s per replica` : null].filter(Boolean).join(' and ');
  const lines = [
    `${s.service}: ${s.replicas} replicas, autoscaled within [${p.min}, ${p.max}] on ${targets}`,
    `Tolerance ±${Math.round(p.tolerance * 100)} %, scale-up window ${seconds(p.scaleUpWindowMs)}, scale-down window ${seconds(p.scaleDownWindowMs)}; at most doubling or halving per step`,
  ];
  const last = s.last;
  if (!last) lines.push('Not evaluated yet: it decides on each metrics sample (one a second).');
  else {
    lines.push(`Now (${last.time}): ${last.reason}`);
    if (last.metrics.length > 0) {
      lines.push(table(['METRIC', 'AVERAGE', 'TARGET', 'RATIO', 'ASKS FOR'], last.metrics.map((m) => [m.metric, num(m.average), num(m.target), m.ratio.toFixed(2), String(m.recommended)])));
      lines.push(`(averaged over ${last.ready} ready replica${last.ready === 1 ? '' : 's'})`);
    }
  }
  if (s.decisions.length > 0) {
    lines.push('Decisions:');
    lines.push(table(['TIME', 'DECISION', 'REPLICAS', 'HELD BY', 'WHY'], s.decisions.slice().reverse().map(decisionRow)));
  } else lines.push('No decisions yet.');
  return lines.join('\n');
}

function decisionRow(d: AutoscaleDecision): string[] {
  const replicas = d.kind === 'scale' ? `${d.current} → ${d.desired}` : String(d.current);
  return [d.time, d.kind, replicas, d.heldBy ?? '', d.reason];
}
