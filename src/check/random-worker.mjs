// A worker thread of the random runs past the bound (random-pool.ts): the sources are TypeScript,
// so it registers tsx first, whatever the main thread was started with (tsx, vitest, bin/kpm.js).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./random-worker.ts', import.meta.url).href);
