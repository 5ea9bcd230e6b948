// The embedded control plane going on without its window: the tray icon, its menu and tooltip,
// and what closing the window does (window-close.ts decides; this carries it out). Electron's Tray,
// Menu and Notification are handed in, so this runs in tests without Electron.
import type { ControlPlane } from '../control-plane/index.ts';
import { IN_PROCESS } from '../control-plane/api/caller.ts';
import type { Logger } from '../control-plane/log.ts';
import { toErrorBody } from '../../shared/errors.ts';
import { buildTrayMenuTemplate } from '../window/tray-menu.ts';
import { changesTrayHosts, decideOnClose, hostCounts, shouldNotify, trayTooltip } from './window-close.ts';

/** What of Electron's Tray is used. */
export interface TrayLike {
  setContextMenu(menu: unknown): void;
  setToolTip(text: string): void;
  on(event: 'click', listener: () => void): unknown;
  isDestroyed(): boolean;
}

/** What of a BrowserWindow is used. */
export interface WindowLike {
  isDestroyed(): boolean;
  isVisible(): boolean;
  hide(): void;
}

export interface BackgroundTrayDeps {
  platform: NodeJS.Platform;
  /** Electron's `new Tray(icon)`; may throw where the system has no tray. */
  makeTray: () => TrayLike;
  /** Electron's `Menu.buildFromTemplate`. */
  menu: (template: ReturnType<typeof buildTrayMenuTemplate>) => unknown;
  /** Says once that healing goes on without the window (a notification, or the tray's balloon). */
  notify: (tray: TrayLike | null) => void;
  window: () => WindowLike | null;
  show: () => void;
  quit: () => void;
  saveKeepRunning: (on: boolean) => Promise<unknown>;
  log: Logger;
}

export class BackgroundTray {
  /** Set once the app is quitting: the window may close then, whatever the setting. */
  quitting = false;
  private tray: TrayLike | null = null;
  private notified = false;
  private embedded = false;

  constructor(
    private readonly deps: BackgroundTrayDeps,
    private keepRunning: boolean,
  ) {}

  /** The tray icon, while the app runs its own control plane, with the ready hosts in its tooltip. */
  start(plane: ControlPlane): void {
    this.embedded = true;
    try {
      const made = this.deps.makeTray();
      made.setToolTip(trayTooltip(null));
      made.on('click', () => this.deps.show());
      this.tray = made;
    } catch (err) {
      this.deps.log.warn({ err: toErrorBody(err).message }, 'no tray icon: closing the window quits Baton');
      return;
    }
    const update = (): void => {
      void plane.dispatch('host.list', {}, IN_PROCESS).then((answer) => {
        if (this.tray !== null && !this.tray.isDestroyed() && 'result' in answer) this.tray.setToolTip(trayTooltip(hostCounts(answer.result)));
      });
    };
    update();
    plane.subscribe((event) => {
      if (changesTrayHosts(event.kind)) update();
    });
    this.refresh();
  }

  /** The window is closing: hide it (healing goes on) or let the app quit, as window-close.ts decides. */
  onClose(event: { preventDefault(): void }, win: WindowLike): void {
    const decision = decideOnClose({ platform: this.deps.platform, quitting: this.quitting, embedded: this.embedded, keepRunning: this.keepRunning, trayShown: this.tray !== null });
    if (decision === 'hide') {
      event.preventDefault();
      win.hide();
      if (shouldNotify(decision, this.notified)) this.deps.notify(this.tray);
      this.notified = true;
    } else if (decision === 'quit') this.deps.quit();
    this.refresh();
  }

  /** The tray's menu, as the window and the setting are now. */
  refresh(): void {
    if (this.tray === null || this.tray.isDestroyed()) return;
    const win = this.deps.window();
    const visible = win !== null && !win.isDestroyed() && win.isVisible();
    this.tray.setContextMenu(
      this.deps.menu(
        buildTrayMenuTemplate(
          { windowVisible: visible, keepRunning: this.keepRunning },
          {
            show: () => this.deps.show(),
            setKeepRunning: (on) => this.setKeepRunning(on),
            quit: () => this.deps.quit(),
          },
        ),
      ),
    );
  }

  private setKeepRunning(on: boolean): void {
    this.keepRunning = on;
    void this.deps.saveKeepRunning(on).catch((err: unknown) => this.deps.log.warn({ err: toErrorBody(err).message }, 'could not save the tray setting'));
    this.refresh();
  }
}
