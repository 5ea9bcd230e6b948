// The metrics loop: once a second, per ready host and in parallel, one request to the host's
// counter script for every running replica's cgroup counters (counter-reader.ts, host-counters.ts;
// the script runs as long as the host is connected) and a `show stat` of its ingress (on a connection held
// open: runtime-session.ts), its backends, the servers of those that moved and, while requests came,
// its request log for the response-time percentiles (request-log-reader.ts); the readings turned
// into rates (rates.ts, ingress-requests.ts), assembled into a frame (frame.ts) and handed to the
// metrics store. A host whose read fails or is still running from the second
// before is stale this second: its replicas get no values.
import type { HostManager } from '../hosts/host-manager.ts';
import type { Ingress } from '../ingress/ingress.ts';
import { serverStatLine } from '../ingress/runtime-api.ts';
import type { RuntimeSession } from '../ingress/runtime-session.ts';
import { parseStatCsv, type StatRow } from '../ingress/stat-csv.ts';
import type { Logger } from '../log.ts';
import type { ClusterState } from '../reconcile/cluster-state.ts';
import { buildFrame, type ContainerView, type HostView } from './frame.ts';
import { CounterReader } from './counter-reader.ts';
import { ingressRates, requestSamples, serverReads, type IngressReading } from './ingress-requests.ts';
import { EXACT_EVERY, planServerRows } from './server-estimate.ts';
import type { MetricsStore } from './metrics-store.ts';
import { RequestLogReader } from './request-log-reader.ts';
import { containerRates, cpuLimitCores, type Limits, type Reading } from './rates.ts';

export interface CollectorDeps {
  hosts: HostManager;
  state: ClusterState;
  ingress: Ingress;
  store: MetricsStore;
  log: Logger;
}

export interface CollectorOptions {
  /** Default 1000 ms. */
  intervalMs?: number;
}

/** Past this many moved backends, one `show stat` of every server is the shorter line. */
const MAX_PROXIES_A_LINE = 200;

interface Known {
  pid: number;
  limits: Limits;
}

interface InspectLike {
  State?: { Pid?: number; Running?: boolean };
  HostConfig?: { NanoCpus?: number | null; CpuQuota?: number | null; CpuPeriod?: number | null; Memory?: number | null };
}

export class MetricsCollector {
  private timer: NodeJS.Timeout | null = null;
  private readonly known = new Map<string, Known>();
  private readonly readings = new Map<string, Reading>();
  private readonly views = new Map<string, ContainerView>();
  private readonly hostProblem = new Map<string, string | null>();
  private readonly busy = new Set<string>();
  private readonly ingressPrev = new Map<string, IngressReading>();
  private ingressCur = new Map<string, IngressReading>();
  private readonly intervalMs: number;
  private readonly requestLog = new RequestLogReader();
  /** Per host: its readings so far, which say when its turn for exact server rows is (staggered by host). */
  private readonly ingressTurns = new Map<string, number>();
  private readonly counters = new Map<string, CounterReader>();
  /** Per host: the admin connection the ingress is read on, and the worker generation it reached. */
  private readonly admin = new Map<string, { generation: number; session: RuntimeSession }>();
  /** After stop(): a pass still out opens no counter script. */
  private stopped = false;

  constructor(private readonly deps: CollectorDeps, opts: CollectorOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 1000;
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.tick().catch((err: Error) => this.deps.log.warn({ err: err.message }, 'metrics: a pass failed')), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
    for (const r of this.counters.values()) r.close();
    this.counters.clear();
    for (const a of this.admin.values()) a.session.close();
    this.admin.clear();
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** One pass: read every host (at most one read in flight per host), then publish a frame. */
  async tick(): Promise<void> {
    const started = Date.now();
    const links = this.deps.hosts.allLinks();
    const linked = new Set(links.map((l) => l.name));
    for (const [host, reader] of this.counters) {
      if (linked.has(host)) continue;
      reader.close(); // the host was removed
      this.counters.delete(host);
    }
    for (const [host, a] of this.admin) {
      if (linked.has(host)) continue;
      a.session.close();
      this.admin.delete(host);
      this.requestLog.forget(host);
      this.ingressTurns.delete(host);
    }
    const deadline = new Promise<void>((r) => setTimeout(r, Math.max(100, this.intervalMs - 100)).unref());
    const reads = links.map(async (link) => {
      if (link.state !== 'ready' && link.state !== 'draining') {
        this.hostProblem.set(link.name, `host ${link.name} is ${link.state}${link.reason ? `: ${link.reason}` : ''}`);
        return;
      }
      if (this.busy.has(link.name)) return; // last second's read is still out: this host stays as it was
      this.busy.add(link.name);
      try {
        await Promise.all([this.readHost(link.name), this.readIngress(link.name)]);
        this.hostProblem.set(link.name, null);
      } catch (err) {
        this.hostProblem.set(link.name, `reading ${link.name} failed: ${(err as Error).message}`);
      } finally {
        this.busy.delete(link.name);
      }
    });
    await Promise.race([Promise.all(reads), deadline]);
    const requests = requestSamples(this.ingressPrev, this.ingressCur);
    const ingress = ingressRates(this.ingressPrev, this.ingressCur);
    const latency = this.requestLog.take();
    for (const [server, sample] of requests) {
      const l = latency.get(server);
      if (l) requests.set(server, { ...sample, responseMsP50: l.p50, responseMsP95: l.p95, responseMsP99: l.p99 });
    }
    // a host not read this second keeps its older reading to measure the next interval from
    for (const [h, r] of this.ingressCur) this.ingressPrev.set(h, r);
    this.ingressCur = new Map();
    const running = this.deps.state.all().filter((r) => r.state === 'running');
    const names = new Set(links.map((l) => l.name));
    const hosts: HostView[] = links.map((link) => {
      const inv = link.inventory;
      const late = this.busy.has(link.name) ? `reading ${link.name} took longer than ${this.intervalMs} ms` : null;
      return { name: link.name, staleReason: this.hostProblem.get(link.name) ?? late ?? (this.hostProblem.has(link.name) ? null : 'not read yet'), capacity: inv ? { cpus: inv.cpus, memoryBytes: inv.memoryBytes } : null };
    });
    const ids = new Set(running.map((r) => r.id));
    for (const id of this.views.keys()) if (!ids.has(id)) this.forget(id);
    const frame = buildFrame({ nowMs: started, replicas: running.filter((r) => names.has(r.host)), hosts, containers: this.views, requests, ingress });
    this.deps.store.record(frame);
  }

  private forget(id: string): void {
    this.views.delete(id);
    this.readings.delete(id);
    this.known.delete(id);
  }

  private async readHost(host: string): Promise<void> {
    const engine = this.deps.hosts.link(host).engine();
    const replicas = this.deps.state.onHost(host).filter((r) => r.state === 'running');
    // a container seen for the first time (or whose pid went) is inspected once for its pid and limits
    await Promise.all(
      replicas
        .filter((r) => !this.known.has(r.id))
        .map(async (r) => {
          const info = (await engine.inspectContainer(r.id).catch(() => null)) as InspectLike | null;
          const pid = info?.State?.Pid;
          if (!info?.State?.Running || !pid) return;
          this.known.set(r.id, { pid, limits: { cpuCores: cpuLimitCores(info.HostConfig ?? {}), memoryBytes: info.HostConfig?.Memory || null } });
        }),
    );
    const targets = replicas.flatMap((r) => {
      const k = this.known.get(r.id);
      return k ? [{ id: r.id, pid: k.pid }] : [];
    });
    if (targets.length === 0) return;
    let reader = this.counters.get(host);
    if (!reader) {
      if (this.stopped) return;
      // the opener looks the engine up when it runs: a reconnected host has a new session
      reader = new CounterReader((script) => this.deps.hosts.link(host).engine().hostStream(script));
      this.counters.set(host, reader);
    }
    const parsed = await reader.read(targets, 5000);
    const nowMs = Date.now();
    for (const t of targets) {
      const reading = parsed.containers.get(t.id);
      if (reading === undefined || reading.kind === 'gone') {
        // its process went (stopped, restarted in place): look it up again next second
        this.known.delete(t.id);
        this.readings.delete(t.id);
        this.views.set(t.id, { atMs: nowMs, rates: null, problem: `its counters could not be read (${reading?.why ?? 'no answer'})` });
        continue;
      }
      const cur: Reading = { atMs: parsed.uptimeMs ?? nowMs, counters: reading.counters };
      const rates = containerRates(this.readings.get(t.id) ?? null, cur, this.known.get(t.id)!.limits);
      this.readings.set(t.id, cur);
      this.views.set(t.id, { atMs: nowMs, rates, problem: null });
    }
  }

  private async readIngress(host: string): Promise<void> {
    const api = this.deps.ingress.runtimeOf(host);
    const generation = this.deps.ingress.generationOf(host);
    if (!api || generation === null) return;
    let admin = this.admin.get(host);
    if (!admin || admin.generation !== generation) {
      // a new worker serves: the connection held open stays with the old one (and keeps it alive)
      admin?.session.close();
      this.admin.delete(host);
      if (this.stopped) return;
      admin = { generation, session: api.session() };
      this.admin.set(host, admin);
    }
    try {
      // backends first; servers only of the backends that moved (ingress-requests.ts serverReads)
      const backends = parseStatCsv(await admin.session.command('show stat -1 2 -1'));
      const atMs = Date.now();
      const prev = this.ingressPrev.get(host);
      const { read: moved, carried } = serverReads(prev, backends);
      // the request log's new lines: the percentiles, and how each moved backend's requests split
      // among its replicas; only while requests came (a backend moved)
      const counts = await this.requestLog.read(host, admin.session, generation, moved.length > 0);
      const turn = (this.ingressTurns.get(host) ?? this.ingressTurns.size) + 1;
      this.ingressTurns.set(host, turn);
      const { exact, estimated } = planServerRows(prev, moved, counts, turn % EXACT_EVERY === 0);
      let rows: StatRow[];
      // more backends than one request line takes: every server row, exact
      if (exact.length > MAX_PROXIES_A_LINE) rows = parseStatCsv(await admin.session.command('show stat -1 4 -1'));
      else rows = [...carried, ...estimated, ...(exact.length === 0 ? [] : parseStatCsv(await admin.session.command(serverStatLine(exact.map((b) => b.iid!)))))];
      // an estimated row stays one while it is carried, until a read replaces it
      const key = (r: StatRow) => `${r.pxname}/${r.svname}`;
      const wasEstimated = prev?.estimated;
      const marked = new Set([...estimated.map(key), ...(wasEstimated ? carried.map(key).filter((k) => wasEstimated.has(k)) : [])]);
      this.ingressCur.set(host, { atMs, rows, backends, estimated: marked });
    } catch (err) {
      this.deps.log.debug({ host, err: (err as Error).message }, 'metrics: show stat failed');
    }
  }
}
