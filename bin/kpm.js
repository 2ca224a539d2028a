#!/usr/bin/env node
// The `kpm` command of the package (interface.md): runs the TypeScript sources through tsx, so
// that `npx kpm ...` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
await main();
