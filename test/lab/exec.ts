// Running commands: one-shot commands with checked exit codes, and detached daemons
// that log to a file and outlive this process.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const detail = result.stderr.trim() || result.stdout.trim() || '(no output)';
    super(`command failed (exit ${result.code}): ${command}\n${detail}`);
    this.name = 'CommandError';
  }
}

export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

// Runs a command and resolves with its output and exit code, whatever the code.
export function tryRun(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          err.push(Buffer.from(`\n(killed after ${opts.timeoutMs} ms)`));
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${formatCommand(cmd, args)}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString() + (signal ? `\n(terminated by ${signal})` : '');
      resolve({ stdout: Buffer.concat(out).toString(), stderr, code: code ?? 128 });
    });
    child.stdin.on('error', () => undefined); // the command may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

// Runs a command and throws a CommandError (command + stderr) unless it exits 0.
export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const result = await tryRun(cmd, args, opts);
  if (result.code !== 0) throw new CommandError(formatCommand(cmd, args), result);
  return result.stdout;
}

// Starts a long-running process in its own process group, stdout+stderr appended to
// logFile, not tied to this process's lifetime. Returns its pid.
export function spawnDaemon(cmd: string, args: readonly string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined); // reported by the readiness wait (process gone)
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${formatCommand(cmd, args)}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function tailFile(path: string, lines = 25): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
