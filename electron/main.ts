// The Electron main process, kept to the app's lifecycle: one instance, one window, the start and
// stop of the control plane. The settings and the keyring are ./app/settings-store.ts, the IPC
// transport ./app/ipc-transport.ts, the stop's deadline ./app/stop-in-time.ts, the tray and what
// closing the window does ./app/background-tray.ts (deciding in ./app/window-close.ts), the page to
// load ./window/renderer-page.ts, the session's policy ./window/session-hardening.ts: all tested
// without Electron, which is imported here and in preload.ts only.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, session, shell, Tray } from 'electron';
import type { WebContents } from 'electron';
import { homedir } from 'node:os';
import path from 'node:path';
import { toErrorBody } from '../shared/errors.ts';
import { forwardEvents, wireIpcTransport } from './app/ipc-transport.ts';
import { keyringKeyProvider } from './app/keyring.ts';
import { openSettingsStore } from './app/settings-store.ts';
import { stopInTime } from './app/stop-in-time.ts';
import { BackgroundTray } from './app/background-tray.ts';
import { keepRunningSetting, KEPT_RUNNING_NOTICE } from './app/window-close.ts';
import { ControlPlane } from './control-plane/index.ts';
import { createLogger } from './control-plane/log.ts';
import { buildAppMenuTemplate } from './window/app-menu.ts';
import { LaunchError, parseDesktopSettings, resolveLaunchMode } from './window/launch-mode.ts';
import { installNavigationGuard } from './window/navigation-guard.ts';
import { rendererPage, type RendererPage } from './window/renderer-page.ts';
import { hardenSession } from './window/session-hardening.ts';
import { buildWindowOptions } from './window/window-options.ts';

const log = createLogger();
const STOP_TIMEOUT_MS = 5_000;

/** Set in development only (`BATON_RENDERER_URL=http://localhost:5173`): load the Vite dev server. */
const devServerUrl = !app.isPackaged ? process.env['BATON_RENDERER_URL'] : undefined;

let controlPlane: ControlPlane | null = null;
let mainWindow: BrowserWindow | null = null;
/** The tray and what closing the window does; made when the page is known. */
let background: BackgroundTray | null = null;
const ICON = path.join(__dirname, '..', 'icon.png');

function createWindow(page: RendererPage): BrowserWindow {
  const win = new BrowserWindow(
    buildWindowOptions({
      preloadPath: path.join(__dirname, 'preload.cjs'),
      iconPath: ICON,
      backgroundColor: '#09090b',
    }),
  );
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => background?.onClose(event, win));
  win.on('show', () => background?.refresh());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(page.loadUrl).catch((err: unknown) => log.error({ err }, 'could not load the renderer'));
  return win;
}

function showWindow(page: RendererPage): void {
  if (mainWindow === null) mainWindow = createWindow(page);
  else {
    if (mainWindow.isMinimized()) mainWindow.restore();
    if (!mainWindow.isVisible()) mainWindow.show();
    mainWindow.focus();
  }
}

function notifyKeptRunning(tray: Tray | null): void {
  if (Notification.isSupported()) new Notification({ ...KEPT_RUNNING_NOTICE, icon: ICON }).show();
  else if (process.platform === 'win32') tray?.displayBalloon({ title: KEPT_RUNNING_NOTICE.title, content: KEPT_RUNNING_NOTICE.body, iconType: 'info' });
}

async function start(): Promise<void> {
  const settings = openSettingsStore({ path: path.join(app.getPath('userData'), 'settings.json'), safeStorage, platform: process.platform, log });
  const settingsText = await settings.read();
  const mode = resolveLaunchMode({
    argv: process.argv,
    env: process.env,
    homedir: homedir(),
    settings: parseDesktopSettings(settingsText),
    unseal: (sealed) => settings.unseal(sealed),
  });
  delete process.env['BATON_TOKEN']; // read once; nothing this process starts needs it
  if (mode.kind === 'attach' && mode.remember) {
    await settings.remember(mode.url, mode.token, settingsText).catch((err: unknown) => log.warn({ err: toErrorBody(err).message }, 'could not save the attach token'));
  }
  const page = rendererPage(mode, { builtIndex: path.join(__dirname, '..', 'renderer', 'index.html'), devServerUrl });
  background = new BackgroundTray(
    {
      platform: process.platform,
      makeTray: () => new Tray(nativeImage.createFromPath(ICON).resize({ width: 16, height: 16 })),
      menu: (template) => Menu.buildFromTemplate(template),
      notify: (tray) => notifyKeptRunning(tray as Tray | null),
      window: () => mainWindow,
      show: () => showWindow(page),
      quit: () => app.quit(),
      saveKeepRunning: (on) => settings.setKeepRunning(on),
      log,
    },
    keepRunningSetting(settingsText),
  );

  hardenSession(session.defaultSession, { loopbackWebSocket: mode.kind === 'attach', devServer: devServerUrl !== undefined });
  app.on('web-contents-created', (_event, contents: WebContents) => {
    installNavigationGuard(contents, page.appUrl, {
      openExternal: (url) => void shell.openExternal(url),
    });
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(buildAppMenuTemplate({ isMac: process.platform === 'darwin', dev: !app.isPackaged })),
  );

  if (mode.kind === 'embedded') {
    // the data key wrapped by the keyring where there is a real one; else a 0600 file, as headless
    const keyProvider = keyringKeyProvider(safeStorage, process.platform);
    if (keyProvider === null) log.warn({ home: mode.home }, 'no system keyring: the data key is a plain 0600 file in BATON_HOME');
    controlPlane = await ControlPlane.start({ home: mode.home, ...(keyProvider !== null ? { keyProvider } : {}) });
    background.start(controlPlane);
    forwardEvents(controlPlane, () => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow.webContents : null));
    log.info({ home: mode.home }, 'control plane started');
  } else {
    log.info({ url: mode.url }, 'attached to a remote control plane');
  }
  wireIpcTransport({ ipcMain, appUrl: page.appUrl, controlPlane: () => controlPlane, attachToken: mode.kind === 'attach' ? mode.token : null });

  showWindow(page);
  background.refresh();
  app.on('second-instance', () => showWindow(page));
  app.on('activate', () => showWindow(page));
}

async function stopControlPlane(): Promise<void> {
  const cp = controlPlane;
  if (cp === null) return;
  await stopInTime(() => cp.stop(), STOP_TIMEOUT_MS, log);
  controlPlane = null;
}

function fail(err: unknown): void {
  const message = err instanceof LaunchError ? err.message : `Baton could not start: ${toErrorBody(err).message}`;
  log.error({ err }, 'startup failed');
  dialog.showErrorBox('Baton', message);
  app.exit(1);
}

// Two control planes on one home would fight over its database: the second launch focuses the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let stopping = false;
  app.on('before-quit', (event) => {
    if (background) background.quitting = true;
    if (controlPlane === null) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    void stopControlPlane().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start).catch(fail);
}
