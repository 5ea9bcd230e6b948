// The renderer's build: renderer/ → dist/renderer/, loaded by Electron from file:// (hence base './').
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicy, RENDERER_META_CSP, withCspMeta } from './electron/window/content-security-policy.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The page's Content-Security-Policy, as a meta tag written from content-security-policy.ts (the
 * one place it is defined): the build's strict one, or for the dev server the one its HMR client
 * needs (inline scripts, its own socket), which a build never gets.
 */
function rendererCsp(): Plugin {
  let dev = false;
  return {
    name: 'baton-csp',
    enforce: 'pre',
    configResolved: (config) => {
      dev = config.command === 'serve';
    },
    transformIndexHtml: (html) =>
      withCspMeta(html, dev ? contentSecurityPolicy({ loopbackWebSocket: true, devServer: true }) : RENDERER_META_CSP),
  };
}

/** `crossorigin` on module scripts makes Chromium fetch them in CORS mode, which file:// pages fail. */
function noCrossorigin(): Plugin {
  return {
    name: 'baton-no-crossorigin',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/\s+crossorigin(?:="[^"]*")?(?=[\s>])/g, ''),
  };
}

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react(), tailwindcss(), rendererCsp(), noCrossorigin()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // Electron 41 is Chromium 146; the browser tests use Debian's Chromium.
    target: 'chrome120',
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
