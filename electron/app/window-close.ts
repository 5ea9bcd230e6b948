// What closing the window does. With its own control plane inside, the app can keep running in
// the tray after the window closes, so the reconciler goes on healing (a setting, on unless turned
// off; "Quit" in the tray menu stops it); otherwise closing quits, as each platform expects.
// Pure: main.ts passes in what it knows and carries the decision out.

export type CloseDecision =
  /** Keep the app and its control plane: hide the window (the tray brings it back). */
  | 'hide'
  /** Let the window close and quit the app (stopping the control plane). */
  | 'quit'
  /** Let the window close; the app stays (macOS: in the Dock, as there a closed window never quits). */
  | 'close';

export interface CloseInput {
  platform: NodeJS.Platform;
  /** The app is quitting (the tray's Quit, the menu's, the system's): nothing may hold the window. */
  quitting: boolean;
  /** Baton runs its own control plane (not attached to a remote `baton serve`). */
  embedded: boolean;
  /** The setting: keep running in the tray when the window closes. */
  keepRunning: boolean;
  /** A tray icon was made: the only way back to a hidden window besides launching Baton again. */
  trayShown: boolean;
}

export function decideOnClose(input: CloseInput): CloseDecision {
  const mac = input.platform === 'darwin';
  if (input.quitting) return 'close';
  // attached, the control plane runs elsewhere and heals without this app: nothing to keep
  if (input.embedded && input.keepRunning && (input.trayShown || mac)) return 'hide';
  return mac ? 'close' : 'quit';
}

/** What the tray says while the window is hidden, and the first time it is hidden (a notification). */
export const KEPT_RUNNING_NOTICE = {
  title: 'Baton is still running',
  body: 'Healing goes on without the window: replicas that fail are restarted and rescheduled. Open Baton from the tray; Quit there stops it.',
} as const;

export function trayTooltip(hosts: { ready: number; total: number } | null): string {
  const where = hosts === null ? '' : ` · ${hosts.ready} of ${hosts.total} host${hosts.total === 1 ? '' : 's'} ready`;
  return `Baton: the control plane is running, healing goes on without the window${where}`;
}

/** How many of the hosts (`host.list`'s answer, as it crossed the API) are ready; null when it is no list. */
export function hostCounts(listed: unknown): { ready: number; total: number } | null {
  if (!Array.isArray(listed)) return null;
  const states = listed.map((h: unknown) => (typeof h === 'object' && h !== null ? (h as Record<string, unknown>)['state'] : undefined));
  return { ready: states.filter((s) => s === 'ready').length, total: listed.length };
}

/** Events after which the tray's host count may differ. */
export function changesTrayHosts(kind: string): boolean {
  return kind.startsWith('host.');
}

/** The notice is shown once per run: the first time the window hides, not at every close. */
export function shouldNotify(decision: CloseDecision, notifiedBefore: boolean): boolean {
  return decision === 'hide' && !notifiedBefore;
}

/** The setting in settings.json (`keepRunningInTray`): on unless it is `false`. */
export function keepRunningSetting(text: string | null): boolean {
  if (text === null) return true;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return true;
    return (parsed as Record<string, unknown>)['keepRunningInTray'] !== false;
  } catch {
    return true;
  }
}

/** settings.json with the setting changed, every other key kept; null when it is not a JSON object (left alone). */
export function withKeepRunning(text: string | null, keepRunning: boolean): string | null {
  let settings: Record<string, unknown> = {};
  if (text !== null && text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      settings = parsed as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  return `${JSON.stringify({ ...settings, keepRunningInTray: keepRunning }, null, 2)}\n`;
}
