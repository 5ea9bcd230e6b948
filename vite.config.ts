// The renderer's build: renderer/ → dist/renderer/, loaded by Electron from file:// (hence base './').
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicy, RENDERER_META_CSP } from './electron/window/content-security-policy.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The dev server's HMR client needs inline scripts and its own socket; a build never gets this policy. */
function devServerCsp(): Plugin {
  return {
    name: 'baton-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace(RENDERER_META_CSP, contentSecurityPolicy({ loopbackWebSocket: true, devServer: true })),
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
  plugins: [react(), tailwindcss(), devServerCsp(), noCrossorigin()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // Electron 41 is Chromium 146; the browser tests use Debian's Chromium.
    target: 'chrome120',
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
