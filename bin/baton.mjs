#!/usr/bin/env node
// The `baton` command runs from the TypeScript sources through tsx, so it works right after
// `npm ci` with no build step. `baton config` starts on its own entry: it needs the parser only.
import { register } from 'tsx/esm/api';

register();
const command = process.argv.slice(2).find((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--home');
await import(command === 'config' ? '../electron/server/cli/config-main.ts' : '../electron/server/cli/main.ts');
