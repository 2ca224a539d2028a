// The entry of a check worker thread (checks.ts): plain JavaScript, because a worker starts without
// the TypeScript loader of its parent; it registers tsx, as bin/kpm.js does, then runs the job loop.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./job.ts', import.meta.url).href);
