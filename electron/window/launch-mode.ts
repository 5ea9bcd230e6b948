// How the app was asked to run: with its own control plane (embedded), or attached to a
// remote `baton serve` reached over a loopback WebSocket. Pure: main.ts passes argv, env, the
// saved settings and the OS keyring's unseal (Electron safeStorage) in. Attach tokens are saved
// sealed by that keyring, never as plain text.
import { z } from 'zod';

export type LaunchMode =
  | { kind: 'embedded'; home: string }
  /** `remember`: the token came from BATON_TOKEN, to be saved (sealed) for this URL. */
  | { kind: 'attach'; url: string; token: string; remember: boolean };

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

/** userData/settings.json. Only what this module reads; unknown keys are kept by whoever writes it. */
export const DesktopSettings = z.object({
  /** Tokens of remote `baton serve` endpoints, by WebSocket URL, sealed by the OS keyring (base64). */
  attachTokens: z.record(z.string(), z.object({ sealed: z.string().min(1) })).optional(),
});
export type DesktopSettings = z.infer<typeof DesktopSettings>;

export interface LaunchInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  settings: DesktopSettings;
  /** Opens a sealed token; null when this keyring can't (another user or machine, a reset keyring). */
  unseal: (sealed: string) => string | null;
}

export function resolveLaunchMode(input: LaunchInput): LaunchMode {
  const attach = attachArgument(input.argv);
  if (attach === null) {
    const home = input.env['BATON_HOME'];
    return { kind: 'embedded', home: home !== undefined && home !== '' ? home : `${input.homedir}/.baton` };
  }
  const url = normalizeAttachUrl(attach);
  const given = nonEmpty(input.env['BATON_TOKEN']);
  if (given !== undefined) return { kind: 'attach', url, token: given, remember: true };
  const saved = input.settings.attachTokens?.[url];
  const where = 'set BATON_TOKEN to the token in that server\'s $BATON_HOME/ws-token (Baton then saves it sealed for next time)';
  if (saved === undefined) throw new LaunchError(`--attach ${url} needs the token of that baton serve: ${where}.`);
  const token = nonEmpty(input.unseal(saved.sealed) ?? undefined);
  if (token === undefined) {
    throw new LaunchError(`The saved token for ${url} can't be opened by this system's keyring (was it reset, or is this another user?): ${where}.`);
  }
  return { kind: 'attach', url, token, remember: false };
}

/**
 * settings.json with `sealed` saved as the token of `url`, every other key kept as it was.
 * null when the present file is not a JSON object: it is left alone rather than overwritten.
 */
export function withAttachToken(text: string | null, url: string, sealed: string): string | null {
  let settings: Record<string, unknown> = {};
  if (text !== null) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      settings = parsed as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  const tokens = settings['attachTokens'];
  const kept = typeof tokens === 'object' && tokens !== null && !Array.isArray(tokens) ? tokens : {};
  return `${JSON.stringify({ ...settings, attachTokens: { ...kept, [url]: { sealed } } }, null, 2)}\n`;
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
