// What the window loads: the renderer's page (the built file, or the dev server in development),
// with the transport choice in its query string. Pure.
import { pathToFileURL } from 'node:url';
import type { LaunchMode } from './launch-mode.ts';

export interface RendererPage {
  /** What the window loads: the page plus the transport choice in its query string. */
  loadUrl: string;
  /** The page without query: navigation and IPC senders are checked against it. */
  appUrl: string;
}

export function rendererPage(mode: LaunchMode, where: { builtIndex: string; devServerUrl?: string | undefined }): RendererPage {
  const appUrl = where.devServerUrl ?? pathToFileURL(where.builtIndex).href;
  const url = new URL(appUrl);
  // The token never goes into the URL: the renderer asks the preload for it.
  if (mode.kind === 'attach') url.searchParams.set('attach', mode.url);
  return { loadUrl: url.href, appUrl };
}
