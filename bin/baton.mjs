#!/usr/bin/env node
// The `baton` command. It runs built (dist/cli/baton.mjs, made by `npm ci`'s prepare step and by
// `npm run build`) while that build is newer than every source it was made from; else from the
// TypeScript sources through tsx, so an edited checkout never runs yesterday's code.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'baton.mjs');

function builtIsCurrent() {
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  for (const dir of ['electron', 'shared']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|json)$/.test(entry.name)) continue;
      if (statSync(join(entry.parentPath, entry.name)).mtimeMs > builtAt) return false;
    }
  }
  return true;
}

if (process.env.BATON_FROM_SOURCES !== '1' && builtIsCurrent()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../electron/server/cli/main.ts');
}
