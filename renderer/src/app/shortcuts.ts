// Keyboard shortcuts of the whole app: `g` then a letter goes to a view, `?` shows the list,
// `/` focuses the view's filter, `Esc` closes or clears. Pure: a key in, an action out.
import type { ViewId } from './views.tsx';

/** How long `g` waits for its second key. */
export const LEADER_TIMEOUT_MS = 1500;

export const GO_KEYS = { t: 'topology', h: 'hosts', s: 'stacks', k: 'secrets', c: 'configs', v: 'volumes', i: 'images', l: 'logs', e: 'events' } as const satisfies Record<string, ViewId>;

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field: shortcuts leave it alone. */
  typing: boolean;
}

export type ShortcutAction =
  | { kind: 'navigate'; view: ViewId }
  | { kind: 'help' }
  | { kind: 'focus-filter' }
  | { kind: 'escape' }
  | { kind: 'leader' }
  | { kind: 'none' };

export interface ShortcutState {
  /** When `g` was pressed, while it waits for the view's letter. */
  leaderAt: number | null;
}

export const INITIAL_SHORTCUT_STATE: ShortcutState = { leaderAt: null };

export function interpretKey(state: ShortcutState, press: KeyPress, now: number): { state: ShortcutState; action: ShortcutAction } {
  const idle: ShortcutState = { leaderAt: null };
  if (press.typing || press.ctrlKey || press.metaKey || press.altKey) return { state: idle, action: { kind: 'none' } };
  if (press.key === 'Escape') return { state: idle, action: { kind: 'escape' } };

  const waiting = state.leaderAt !== null && now - state.leaderAt <= LEADER_TIMEOUT_MS;
  if (waiting) {
    const view = (GO_KEYS as Record<string, ViewId>)[press.key.toLowerCase()];
    if (view !== undefined) return { state: idle, action: { kind: 'navigate', view } };
  }
  switch (press.key) {
    case 'g':
      return { state: { leaderAt: now }, action: { kind: 'leader' } };
    case '?':
      return { state: idle, action: { kind: 'help' } };
    case '/':
      return { state: idle, action: { kind: 'focus-filter' } };
    default:
      return { state: idle, action: { kind: 'none' } };
  }
}

export interface ShortcutHelp {
  keys: string[];
  /** Keys pressed one after the other (`g` then `t`), not together. */
  sequence?: boolean;
  label: string;
}

export const SHORTCUT_GROUPS: ReadonlyArray<{ title: string; shortcuts: ShortcutHelp[] }> = [
  {
    title: 'Go to',
    shortcuts: [
      { keys: ['g', 't'], sequence: true, label: 'Topology' },
      { keys: ['g', 'h'], sequence: true, label: 'Hosts' },
      { keys: ['g', 's'], sequence: true, label: 'Stacks' },
      { keys: ['g', 'k'], sequence: true, label: 'Secrets' },
      { keys: ['g', 'c'], sequence: true, label: 'Configs' },
      { keys: ['g', 'v'], sequence: true, label: 'Volumes' },
      { keys: ['g', 'i'], sequence: true, label: 'Images' },
      { keys: ['g', 'l'], sequence: true, label: 'Logs' },
      { keys: ['g', 'e'], sequence: true, label: 'Events' },
    ],
  },
  {
    title: 'Anywhere',
    shortcuts: [
      { keys: ['/'], label: 'Filter the current view' },
      { keys: ['Esc'], label: 'Close a dialog, clear the selection, cancel a drag' },
      { keys: ['?'], label: 'Show these shortcuts' },
    ],
  },
  {
    title: 'Topology',
    shortcuts: [
      { keys: ['Drag a service onto a host'], label: 'One more replica, placed there' },
      { keys: ['Drag a replica out of the hosts'], label: 'Remove it' },
      { keys: ['Drag a count left or right'], label: 'Change the number of replicas' },
      { keys: ['←', '→'], label: 'On a slider: one replica less or more' },
    ],
  },
  {
    title: 'Stack editor',
    shortcuts: [
      { keys: ['Tab', 'Shift+Tab'], label: 'Indent or outdent the lines' },
      { keys: ['Esc', 'Tab'], sequence: true, label: 'Leave the editor (Tab alone indents)' },
      { keys: ['Ctrl+Z', 'Ctrl+Y'], label: 'Undo, redo (⌘Z, ⇧⌘Z on macOS)' },
      { keys: ['Ctrl+Shift+M'], label: 'The list of problems in the file' },
      { keys: ['Alt+↑', 'Alt+↓'], label: 'Move the line up or down' },
    ],
  },
];

/** The filter of the current view: one marked with data-view-filter, else its search field. */
export function findViewFilter(root: ParentNode): HTMLInputElement | null {
  return (
    root.querySelector<HTMLInputElement>('main [data-view-filter]') ??
    root.querySelector<HTMLInputElement>('main input[type="search"]') ??
    root.querySelector<HTMLInputElement>('main input[placeholder^="Filter"]')
  );
}
