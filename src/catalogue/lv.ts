/**
 * The recovery property (key-persistence.md, section 5, LV): from every reachable state, the
 * operator's recovery procedure (recovery.ts) brings the site back.
 */
import type { PropertyRecord } from './catalogue.ts';

export const LV: readonly PropertyRecord[] = [
  {
    id: 'LV-01',
    statement:
      "Recovery: from every reachable state, bringing every service and link back and every host's attestation, then unlocking and powering on, gets every VM that runs in the steady initial state running again, and every vSAN disk group that was mounted mounted again.",
    expected: 'holds',
    from: ['DOC-04', 'DOC-05'],
    alphabet: 'all',
    subjects: () => [{ subject: null, hosts: null, expected: 'holds', check: { kind: 'recovery' } }],
  },
];
