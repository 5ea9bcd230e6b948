// HTTP load from Debian's `wrk`, with every failure counted: answers that are not 2xx, wrk's own
// socket errors (connect, read, write, timeout), and requests that never got an answer at all.
//
// What Debian's wrk 4.1.0 counts by itself, and what this adds (checked on this machine, and by
// test/unit/load.test.ts against a server that counts what it did):
// - A connection closed by the server with a request outstanding (FIN or RST) is a read error;
//   a refused or failed connect is a connect error; wrk then reconnects and goes on.
// - "Non-2xx or 3xx responses" (errors.status) counts only statuses above 399: a Lua `response()`
//   here counts every status outside 200-299 (non2xx).
// - A request that is never answered is counted nowhere by wrk (its timeout only marks answers
//   that came later than --timeout, in errors.timeout): the connection just waits. So the script
//   counts the requests it sends (`request()`) and the answers (`response()`), and the load runs
//   in two phases: `durationS` of load, then a drain of `timeoutS + 1` s in which no new request
//   starts (`delay()` holds every connection). What is still unanswered when wrk stops waited
//   longer than the timeout: unanswered = sent - answered - read errors - write errors.
// - A slow answer that arrives after --timeout counts as a response and as a timeout; a failure
//   is then counted twice rather than not at all.
// At a rate, a request whose connection failed is sent again at once on a new one (wrk does so),
// outside the schedule.
// A connection closed by the server while idle (no request outstanding) also shows as a read
// error; only the drain leaves connections idle, so servers under test keep idle client
// connections open longer than timeoutS + 1 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';

export interface LoadOptions {
  url: string;
  connections: number;
  threads: number; // at most `connections`
  durationS: number; // whole seconds of load
  timeoutS: number; // whole seconds: an answer slower than this is a failure
  rate?: number; // requests/s over all connections, at most (no more in flight than connections): requests start on a schedule per thread
  netns?: string; // run wrk in this network namespace (ip netns exec); default: the root namespace
}

export interface LoadErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number; // answers later than timeoutS (also in `requests`)
  status: number; // wrk's own count of statuses above 399 (also in non2xx; not added to `failed` again)
  unanswered: number; // sent and never answered, with no socket error either
}

export interface LoadResult {
  url: string;
  sent: number; // requests written (retries after a socket error included)
  requests: number; // answers received, any status
  non2xx: number; // answers with a status outside 200-299
  errors: LoadErrors;
  failed: number; // non2xx + connect + read + write + timeout + unanswered
  latencyUs: { p50: number; p90: number; p99: number; max: number }; // of the answers, as wrk reports them
  requestsPerS: number; // answers / durationS of load
  durationS: number; // wall time of wrk's run, the drain included
}

export interface RunningLoad {
  readonly options: LoadOptions;
  readonly result: Promise<LoadResult>;
  /** Seconds since wrk was started. */
  elapsedS(): number;
  /** Stops wrk at once (SIGKILL); `result` then rejects. */
  abort(): void;
}

const MARK = 'baton-load-result ';

// The script wrk runs. LOAD_MS and INTERVAL_MS are put in by luaScript(). Each thread has its own Lua
// state: counters are per thread, and done() (in the main state) adds them up from setup()'s list.
const LUA = `-- written by test/lab/load.ts
local LOAD_MS = %LOAD_MS%
local INTERVAL_MS = %INTERVAL_MS%
local HOLD_MS = 3600000

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } baton_timeval;
int gettimeofday(baton_timeval *tv, void *tz);
]]
local tv = ffi.new("baton_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local req
local deadline
local running = false -- wrk calls request() once before the load to check it: not a request sent
function init(args)
  sent = 0
  answered = 0
  non2xx = 0
  req = wrk.format()
  deadline = now_ms() + LOAD_MS
end

-- before each request: during the load, 0, or at a rate the wait until this thread's next slot
-- (slots INTERVAL_MS apart, taken by whichever connection asks next; a thread that fell behind
-- starts again from now rather than catching up in a burst); then hold the connection until wrk
-- stops. Every connection's first request comes after a delay(), so it also marks the load as
-- running.
local next_slot = 0
function delay()
  running = true
  local now = now_ms()
  if now >= deadline then return HOLD_MS end
  if INTERVAL_MS == 0 then return 0 end
  if next_slot < now then next_slot = now end
  local slot = next_slot
  next_slot = slot + INTERVAL_MS
  return math.floor(slot - now)
end

function request()
  if running then sent = sent + 1 end
  return req
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local s, a, n = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    a = a + t:get("answered")
    n = n + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    '${MARK}{"sent":%d,"answered":%d,"non2xx":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"durationUs":%d}\\n',
    s, a, n, summary.requests, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, summary.duration))
end
`;

const doneSchema = z.object({
  sent: z.number().int(),
  answered: z.number().int(),
  non2xx: z.number().int(),
  requests: z.number().int(),
  connect: z.number().int(),
  read: z.number().int(),
  write: z.number().int(),
  timeout: z.number().int(),
  status: z.number().int(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
  durationUs: z.number(),
});

function luaScript(o: LoadOptions): string {
  // each thread keeps its share of the rate
  const intervalMs = o.rate === undefined ? 0 : (o.threads / o.rate) * 1000;
  return LUA.replace('%LOAD_MS%', String(o.durationS * 1000)).replace('%INTERVAL_MS%', intervalMs.toFixed(3));
}

function checkOptions(o: LoadOptions): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`load: ${name} ${v}: write a whole number ≥ ${min} (wrk takes whole seconds and counts)`);
  };
  whole('connections', o.connections, 1);
  whole('threads', o.threads, 1);
  whole('durationS', o.durationS, 1);
  whole('timeoutS', o.timeoutS, 1);
  if (o.threads > o.connections) throw new Error(`load: ${o.threads} threads for ${o.connections} connections: wrk needs at least one connection per thread`);
  if (o.rate !== undefined && !(o.rate > 0)) throw new Error(`load: rate ${o.rate}: write requests per second above 0, or leave it out for as fast as the server answers`);
  if (!/^https?:\/\/[^/]+/.test(o.url)) throw new Error(`load: ${o.url}: write an http:// or https:// URL`);
}

function toResult(o: LoadOptions, line: string): LoadResult {
  const d = doneSchema.parse(JSON.parse(line));
  const unanswered = Math.max(0, d.sent - d.answered - d.read - d.write);
  const errors: LoadErrors = { connect: d.connect, read: d.read, write: d.write, timeout: d.timeout, status: d.status, unanswered };
  return {
    url: o.url,
    sent: d.sent,
    requests: d.requests,
    non2xx: d.non2xx,
    errors,
    failed: d.non2xx + d.connect + d.read + d.write + d.timeout + unanswered,
    latencyUs: { p50: d.p50, p90: d.p90, p99: d.p99, max: d.max },
    requestsPerS: d.requests / o.durationS,
    durationS: d.durationUs / 1e6,
  };
}

/** Starts wrk and returns at once; `result` resolves when it has run durationS plus the drain. */
export function startLoad(options: LoadOptions): RunningLoad {
  checkOptions(options);
  const dir = mkdtempSync(join(tmpdir(), 'baton-load-'));
  const script = join(dir, 'count-failures.lua');
  writeFileSync(script, luaScript(options));
  const wrkArgs = [
    '--threads', String(options.threads),
    '--connections', String(options.connections),
    '--duration', `${options.durationS + options.timeoutS + 1}s`,
    '--timeout', `${options.timeoutS}s`,
    '--script', script,
    options.url,
  ];
  const [cmd, args] = options.netns ? ['ip', ['netns', 'exec', options.netns, 'wrk', ...wrkArgs]] : ['wrk', wrkArgs];
  const started = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const result = new Promise<LoadResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(e.code === 'ENOENT' ? `load: ${cmd} is not installed (apt-get install ${options.netns ? 'iproute2' : 'wrk'})` : `load: cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString().trim();
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (code === 0 && line) {
        try {
          resolve(toResult(options, line.slice(MARK.length)));
        } catch (e) {
          reject(new Error(`load: wrk's result line does not read as expected (${(e as Error).message}): ${line}`));
        }
        return;
      }
      const why = signal ? `stopped by ${signal}` : `exit ${code}`;
      const detail = stderr || stdout.trim() || '(no output)';
      const hint = /unable to connect/.test(detail) ? ` — nothing answers at ${options.url}${options.netns ? ` from namespace ${options.netns}` : ''}` : '';
      reject(new Error(`load: wrk against ${options.url} failed (${why})${hint}: ${detail}`));
    });
  });
  return {
    options,
    result,
    elapsedS: () => (performance.now() - started) / 1000,
    abort: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs wrk for durationS plus the drain (timeoutS + 1 s) and resolves with the counts. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return startLoad(options).result;
}

/** One line for logs: how many, how many failed and of which kind, latency, rate. */
export function describeLoad(r: LoadResult): string {
  const e = r.errors;
  const kinds = [
    ['non-2xx', r.non2xx],
    ['connect', e.connect],
    ['read', e.read],
    ['write', e.write],
    ['timeout', e.timeout],
    ['unanswered', e.unanswered],
  ].filter(([, n]) => n !== 0).map(([k, n]) => `${k} ${n}`);
  const ms = (us: number) => (us / 1000).toFixed(2);
  return `${r.requests} answers, ${r.failed} failed${kinds.length ? ` (${kinds.join(', ')})` : ''}, p50 ${ms(r.latencyUs.p50)} ms, p99 ${ms(r.latencyUs.p99)} ms, ${r.requestsPerS.toFixed(0)} req/s`;
}
