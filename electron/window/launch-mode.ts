// How the app was asked to run: with its own control plane (embedded), or attached to a
// remote `baton serve` reached over a loopback WebSocket. Pure: main.ts passes argv, env and
// the saved settings in.
import { z } from 'zod';

export type LaunchMode =
  | { kind: 'embedded'; home: string }
  | { kind: 'attach'; url: string; token: string };

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

/** userData/settings.json. Only what this module reads; unknown keys are kept by whoever writes it. */
export const DesktopSettings = z.object({
  /** Tokens of remote `baton serve` endpoints, by WebSocket URL. */
  attachTokens: z.record(z.string(), z.string()).optional(),
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;

export interface LaunchInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  settings: DesktopSettings;
}

export function resolveLaunchMode(input: LaunchInput): LaunchMode {
  const attach = attachArgument(input.argv);
  if (attach === null) {
    const home = input.env['BATON_HOME'];
    return { kind: 'embedded', home: home !== undefined && home !== '' ? home : `${input.homedir}/.baton` };
  }
  const url = normalizeAttachUrl(attach);
  const token = nonEmpty(input.env['BATON_TOKEN']) ?? nonEmpty(input.settings.attachTokens?.[url]);
  if (token === undefined) {
    throw new LaunchError(
      `--attach ${url} needs the token of that baton serve: set BATON_TOKEN (it is printed by \`baton serve\`).`,
    );
  }
  return { kind: 'attach', url, token };
}

/** Parses settings.json text; a missing or broken file means no settings (the app still starts). */
export function parseDesktopSettings(text: string | null): DesktopSettings {
  if (text === null) return {};
  try {
    const parsed = DesktopSettings.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function attachArgument(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--attach') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new LaunchError('--attach needs a URL, e.g. --attach ws://127.0.0.1:7420');
      }
      return value;
    }
    if (arg?.startsWith('--attach=') === true) return arg.slice('--attach='.length);
  }
  return null;
}

// The renderer's CSP lets it open WebSockets to 127.0.0.1 only: a remote serve is reached
// through a tunnel (ssh -L), never directly over the network.
function normalizeAttachUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LaunchError(`--attach ${value}: not a URL. Use ws://127.0.0.1:PORT.`);
  }
  if (url.protocol !== 'ws:' || url.hostname !== '127.0.0.1' || url.port === '') {
    throw new LaunchError(
      `--attach ${value}: Baton attaches to ws://127.0.0.1:PORT only. ` +
        'For a remote server, tunnel its port first: ssh -L 7420:127.0.0.1:7420 user@server',
    );
  }
  return url.href;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
