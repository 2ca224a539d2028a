/**
 * Spec IDs in the spec's order: KP, DOC, ASM, then SEC, AV, LV, each by number.
 */
const FAMILY_ORDER = ['KP', 'DOC', 'ASM', 'SEC', 'AV', 'LV'];

/** IDs each once, in the spec's order: KP, DOC, ASM by number. */
export function sortedIds(ids: Iterable<string>): string[] {
  const key = (id: string) => {
    const [family, n] = id.split('-');
    return FAMILY_ORDER.indexOf(family) * 1000 + Number(n);
  };
  return [...new Set(ids)].sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
}
