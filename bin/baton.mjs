#!/usr/bin/env node
// The `baton` command runs from the TypeScript sources through tsx, so it works right after
// `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/server/cli/main.ts');
