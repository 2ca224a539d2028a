/**
 * Liveness (key-persistence.md, section 5, LV): whatever happened, an operator can bring the site
 * back.
 */
import { describe, test } from 'vitest';
import { assertHolds } from './harness.ts';

describe('LV: recovery', () => {
  /**
   * LV-01. From every state reachable by any trace, bringing every service, link and attestation
   * back, then unlocking every VM and powering on those that run in the steady initial state, gets
   * them all running again and mounts again every vSAN disk group that was mounted. (DOC-04, DOC-05)
   */
  test('LV-01 the site recovers from every reachable state', () => {
    assertHolds('LV-01');
  });
});
