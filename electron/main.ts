// The Electron main process, kept thin: one window, the menu, session hardening and the IPC
// wiring to the control plane. Everything it decides is in ./window/ and ./app/ (pure, tested without Electron).
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session, shell } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toErrorBody, type Envelope } from '../shared/errors.ts';
import { hasRealKeyring, keyringKeyProvider } from './app/keyring.ts';
import { ControlPlane } from './control-plane/index.ts';
import { createLogger } from './control-plane/log.ts';
import { openWireConnection, type WireConnection } from './server/wire.ts';
import { buildAppMenuTemplate } from './window/app-menu.ts';
import type { StreamResponse } from '../shared/bridge.ts';
import {
  CHANNEL_ATTACH_TOKEN,
  CHANNEL_CALL,
  CHANNEL_EVENT,
  CHANNEL_STREAM_MESSAGE,
  CHANNEL_STREAM_REQUEST,
  isStreamRequest,
} from './window/bridge.ts';
import { contentSecurityPolicy } from './window/content-security-policy.ts';
import { LaunchError, parseDesktopSettings, resolveLaunchMode, withAttachToken, type LaunchMode } from './window/launch-mode.ts';
import { installNavigationGuard, isTrustedSender } from './window/navigation-guard.ts';
import { isPermissionGranted } from './window/permissions.ts';
import { buildWindowOptions } from './window/window-options.ts';

const log = createLogger();
const STOP_TIMEOUT_MS = 5_000;

/** Set in development only (`BATON_RENDERER_URL=http://localhost:5173`): load the Vite dev server. */
const devServerUrl = !app.isPackaged ? process.env['BATON_RENDERER_URL'] : undefined;

let controlPlane: ControlPlane | null = null;
let mainWindow: BrowserWindow | null = null;

interface RendererPage {
  /** What the window loads: the page plus the transport choice in its query string. */
  loadUrl: string;
  /** The page without query: navigation and IPC senders are checked against it. */
  appUrl: string;
}

function rendererPage(mode: LaunchMode): RendererPage {
  const appUrl =
    devServerUrl ?? pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).href;
  const url = new URL(appUrl);
  // The token never goes into the URL: the renderer asks the preload for it.
  if (mode.kind === 'attach') url.searchParams.set('attach', mode.url);
  return { loadUrl: url.href, appUrl };
}

const settingsPath = (): string => path.join(app.getPath('userData'), 'settings.json');

async function readSettings(): Promise<string | null> {
  try {
    return await readFile(settingsPath(), 'utf8');
  } catch {
    return null;
  }
}

const keyringAvailable = (): boolean => hasRealKeyring(safeStorage, process.platform);

function unsealToken(sealed: string): string | null {
  try {
    return keyringAvailable() ? safeStorage.decryptString(Buffer.from(sealed, 'base64')) : null;
  } catch {
    return null;
  }
}

/** Saves an attach token given by BATON_TOKEN, sealed by the keyring; written whole (temp file, rename). */
async function rememberAttachToken(url: string, token: string, current: string | null): Promise<void> {
  if (!keyringAvailable()) {
    log.warn({ url }, 'no system keyring: the attach token is not saved; set BATON_TOKEN at each start');
    return;
  }
  const next = withAttachToken(current, url, safeStorage.encryptString(token).toString('base64'));
  if (next === null) {
    log.warn({ file: settingsPath() }, 'settings.json is not a JSON object; left as it is, the attach token is not saved');
    return;
  }
  const temp = `${settingsPath()}.${process.pid}.tmp`;
  await writeFile(temp, next, { mode: 0o600 });
  await rename(temp, settingsPath());
}

function hardenSession(mode: LaunchMode): void {
  const csp = contentSecurityPolicy({
    loopbackWebSocket: mode.kind === 'attach',
    devServer: devServerUrl !== undefined,
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(isPermissionGranted(permission));
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
}

function wireIpc(mode: LaunchMode, page: RendererPage): void {
  const trusted = (event: IpcMainInvokeEvent): boolean => isTrustedSender(event.senderFrame?.url, page.appUrl);

  ipcMain.handle(CHANNEL_CALL, async (event, method: unknown, params: unknown): Promise<Envelope<unknown>> => {
    if (!trusted(event)) return { error: { code: 'UNAUTHORIZED', message: 'IPC from a page that is not Baton' } };
    if (typeof method !== 'string') return { error: { code: 'INVALID_INPUT', message: 'method must be a string' } };
    if (controlPlane === null) {
      return { error: { code: 'UNAVAILABLE', message: 'This window is attached to a remote control plane; calls go over its WebSocket.' } };
    }
    try {
      return await controlPlane.dispatch(method, params, { transport: 'ipc' });
    } catch (err) {
      // dispatch is not supposed to throw; if it does, the renderer still gets an envelope
      return { error: toErrorBody(err) };
    }
  });

  ipcMain.handle(CHANNEL_ATTACH_TOKEN, (event): string | null => {
    if (!trusted(event)) return null;
    return mode.kind === 'attach' ? mode.token : null;
  });

  wireStreams(page);
}

/**
 * Streams (logs) for each page: the wire protocol's stream messages over IPC, one wire connection
 * per webContents. A page that reloads, navigates away, crashes or closes has its streams cancelled.
 */
function wireStreams(page: RendererPage): void {
  const connections = new Map<WebContents, WireConnection>();
  const watched = new WeakSet<WebContents>();
  const drop = (contents: WebContents): void => {
    connections.get(contents)?.close();
    connections.delete(contents);
  };
  const reply = (contents: WebContents, message: StreamResponse): void => {
    if (!contents.isDestroyed()) contents.send(CHANNEL_STREAM_MESSAGE, message);
  };

  ipcMain.on(CHANNEL_STREAM_REQUEST, (event: IpcMainEvent, request: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, page.appUrl) || !isStreamRequest(request)) return;
    const contents = event.sender;
    let wire = connections.get(contents);
    if (wire === undefined) {
      if (controlPlane === null) {
        if ('stream' in request) reply(contents, { id: request.id, error: { code: 'UNAVAILABLE', message: 'This window is attached to a remote control plane; streams go over its WebSocket.' } });
        return;
      }
      wire = openWireConnection(controlPlane, (message) => reply(contents, message as StreamResponse), { transport: 'ipc' });
      connections.set(contents, wire);
      if (!watched.has(contents)) {
        watched.add(contents);
        contents.once('destroyed', () => drop(contents));
        contents.on('render-process-gone', () => drop(contents));
        contents.on('did-start-navigation', (details) => {
          if (details.isMainFrame && !details.isSameDocument) drop(contents);
        });
      }
    }
    wire.receive(request);
  });
}

function createWindow(page: RendererPage): BrowserWindow {
  const win = new BrowserWindow(
    buildWindowOptions({
      preloadPath: path.join(__dirname, 'preload.cjs'),
      iconPath: path.join(__dirname, '..', 'icon.png'),
      backgroundColor: '#09090b',
    }),
  );
  win.once('ready-to-show', () => win.show());
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
    mainWindow.focus();
  }
}

async function start(): Promise<void> {
  const settingsText = await readSettings();
  const mode = resolveLaunchMode({
    argv: process.argv,
    env: process.env,
    homedir: homedir(),
    settings: parseDesktopSettings(settingsText),
    unseal: unsealToken,
  });
  delete process.env['BATON_TOKEN']; // read once; nothing this process starts needs it
  if (mode.kind === 'attach' && mode.remember) {
    await rememberAttachToken(mode.url, mode.token, settingsText).catch((err: unknown) => log.warn({ err: toErrorBody(err).message }, 'could not save the attach token'));
  }
  const page = rendererPage(mode);

  hardenSession(mode);
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
    controlPlane.subscribe((event) => {
      if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.send(CHANNEL_EVENT, event);
    });
    log.info({ home: mode.home }, 'control plane started');
  } else {
    log.info({ url: mode.url }, 'attached to a remote control plane');
  }
  wireIpc(mode, page);

  showWindow(page);
  app.on('second-instance', () => showWindow(page));
  app.on('activate', () => showWindow(page));
}

async function stopControlPlane(): Promise<void> {
  const cp = controlPlane;
  if (cp === null) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn('the control plane did not stop in time; quitting anyway');
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  try {
    await Promise.race([cp.stop(), timeout]);
  } catch (err) {
    log.error({ err }, 'stopping the control plane failed');
  } finally {
    clearTimeout(timer);
    controlPlane = null;
  }
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
