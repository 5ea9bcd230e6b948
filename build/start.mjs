#!/usr/bin/env node
// `npm start` (see start.ts), run from the TypeScript sources through tsx, as bin/baton.mjs is.
import { register } from 'tsx/esm/api';

register();
await import('./start.ts');
