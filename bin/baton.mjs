#!/usr/bin/env node
// The `baton` command. It runs built (dist/cli/, made by `npm ci`'s prepare step and by
// `npm run build`) while that build is newer than every source it was made from; else from the
// TypeScript sources through tsx, so an edited checkout never runs yesterday's code. `baton config`
// starts on its own entry: it needs the parser only.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const words = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--home');
// `config` checking a file has an entry of its own; `config ls|show` asks the control plane
const entry = words[0] === 'config' && !['ls', 'list', 'show'].includes(words[1] ?? '') ? 'config' : 'baton';
const built = join(root, 'dist', 'cli', `${entry}.mjs`);

function builtIsCurrent() {
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  for (const dir of ['electron', 'shared']) {
    for (const file of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!file.isFile() || !/\.(ts|json)$/.test(file.name)) continue;
      if (statSync(join(file.parentPath, file.name)).mtimeMs > builtAt) return false;
    }
  }
  return true;
}

if (process.env.BATON_FROM_SOURCES !== '1' && builtIsCurrent()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(entry === 'config' ? '../electron/server/cli/config-main.ts' : '../electron/server/cli/main.ts');
}
