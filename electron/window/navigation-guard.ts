import type { WebContents } from 'electron';

/**
 * May a frame showing the app go to `url`? Only to the app's own page: the same file (any
 * query or hash) for a packaged app, the same origin for the dev server. Everything else,
 * including other local files, is denied.
 */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  const target = parseUrl(url);
  const app = parseUrl(appUrl);
  if (target === null || app === null) return false;
  if (app.protocol === 'file:') {
    return target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return target.origin === app.origin;
  }
  return false;
}

/** Is an IPC message from a frame that shows the app (and not, say, a page it was tricked into)? */
export function isTrustedSender(frameUrl: string | undefined, appUrl: string): boolean {
  return frameUrl !== undefined && isAllowedNavigation(frameUrl, appUrl);
}

/** Links a person clicked that may be handed to the system browser. */
export function isExternalLink(url: string): boolean {
  return parseUrl(url)?.protocol === 'https:';
}

export interface NavigationGuardOptions {
  /** Called for https links the page tried to open; the app window itself never leaves its page. */
  openExternal?: (url: string) => void;
}

export function installNavigationGuard(
  contents: WebContents,
  appUrl: string,
  options: NavigationGuardOptions = {},
): void {
  contents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (options.openExternal !== undefined && isExternalLink(url)) options.openExternal(url);
    return { action: 'deny' };
  });
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
