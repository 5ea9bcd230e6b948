#!/usr/bin/env node
// `npm run dist` (see dist.ts), run from the TypeScript sources through tsx, as start.mjs is.
import { register } from 'tsx/esm/api';

register();
await import('./dist.ts');
