/**
 * The reference implementation as an adapter module (interface.md: `kpm paths <site> --run
 * ./reference/adapter.ts`): the protocol's operations as functions. `KPM_REFERENCE_BUGS` (names of
 * bugs.ts, comma-separated) seeds bugs into it.
 */
import { BUG_NAMES, isBug, type Bug } from './bugs.ts';
import { KeyManagerSite } from './key-manager.ts';
import type { SiteDescription, SiteEvent } from './shapes.ts';

/** The protocol's operations over one key manager, with the given bugs seeded. */
export function createAdapter(bugs: readonly Bug[] = []) {
  let site: KeyManagerSite | null = null;
  const current = () => {
    if (site === null) throw new Error('no site: reset first');
    return site;
  };
  return {
    reset(topology: SiteDescription) {
      site = new KeyManagerSite(topology, new Set(bugs));
      return { ok: true };
    },
    apply(event: SiteEvent) {
      return current().apply(event);
    },
    observe() {
      return { state: current().observe() };
    },
    close() {
      site = null;
    },
  };
}

/** The bugs named by `KPM_REFERENCE_BUGS`; an unknown name is an error that lists the known ones. */
export function bugsFromEnvironment(value = process.env.KPM_REFERENCE_BUGS ?? ''): Bug[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !isBug(n));
  if (unknown.length > 0)
    throw new Error(`unknown bug ${unknown.join(', ')}; the bugs are ${BUG_NAMES.join(', ')}`);
  return names as Bug[];
}

const adapter = createAdapter(bugsFromEnvironment());

export const reset = adapter.reset;
export const apply = adapter.apply;
export const observe = adapter.observe;
export const close = adapter.close;
