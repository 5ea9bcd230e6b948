// Builds the UI benchmark's peer page (peer/) with Vite into test-results/bench-ui-peer.
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export async function buildPeer(): Promise<string> {
  const outDir = join(import.meta.dirname, '..', '..', 'test-results', 'bench-ui-peer');
  await build({
    root: join(import.meta.dirname, 'peer'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
  return outDir;
}
