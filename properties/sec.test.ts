/**
 * Safety (key-persistence.md, section 5, SEC): what must hold in every reachable state of every
 * site, checked on random sites and random traces of every event, refused ones included.
 */
import { describe, test } from 'vitest';
import { assertHolds } from './harness.ts';

describe('SEC: safety in every reachable state', () => {
  /**
   * SEC-01. No key, no run: a running encrypted VM's key is in its host's cache; for a
   * native-provider VM, the host holds the provider's KDK. (KP-06, KP-09)
   */
  test('SEC-01 no key, no run', () => {
    assertHolds('SEC-01');
  });

  /** SEC-02. A locked VM is never running. (DOC-04) */
  test('SEC-02 a locked VM never runs', () => {
    assertHolds('SEC-02');
  });

  /**
   * SEC-03. A host's persisted store is empty unless persistence is in effect there (setting on,
   * 7.0U2 or later, TPM 2.0), and it never holds the vSAN KEK below 7.0U3. (KP-11, DOC-01, KP-03)
   */
  test('SEC-03 nothing is stored without persistence in effect', () => {
    assertHolds('SEC-03');
  });

  /**
   * SEC-04. Provenance: a key is in a host's cache or store only if its provider released it to
   * that host earlier in the trace (a native key: only while the host holds the KDK). (KP-06, KP-08)
   */
  test('SEC-04 every key comes from its provider', () => {
    assertHolds('SEC-04');
  });

  /**
   * SEC-05. After a disable, the store stays empty until persistence is enabled again, and a later
   * reboot does not bring a removed key back without a new release from its provider. (DOC-02, KP-17)
   */
  test('SEC-05 a disable removes stored keys for good', () => {
    assertHolds('SEC-05');
  });

  /** SEC-06. A host without a TPM 2.0 never holds the KDK of a `tpmOnly` native provider. (DOC-06) */
  test('SEC-06 no KDK without a TPM 2.0 under tpmOnly', () => {
    assertHolds('SEC-06');
  });

  /** SEC-07. A host that failed attestation never receives a trusted provider's key. (DOC-07) */
  test('SEC-07 no trusted key for an unattested host', () => {
    assertHolds('SEC-07');
  });
});
