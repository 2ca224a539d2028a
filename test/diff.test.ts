import { describe, expect, test } from 'vitest';
import { diffStates, formatChange, formatState, type Change } from '../src/report/diff.ts';
import type { ObservedHost, ObservedState } from '../src/world/observe.ts';

/** The steady state of the worked example (worked-example.md, step 0). */
function steady(): ObservedState {
  const host = (h: Partial<ObservedHost>): ObservedHost => ({
    link: 'up',
    keyPersistence: false,
    persistenceInEffect: false,
    cachedKeys: [],
    storedKeys: [],
    kdk: [],
    attested: true,
    vsan: 'mounted',
    ...h,
  });
  return {
    vcenter: 'up',
    providers: { kms: 'up' },
    hosts: {
      'esx-01': host({
        keyPersistence: true,
        persistenceInEffect: true,
        cachedKeys: ['db', 'vsan'],
        storedKeys: ['db', 'vsan'],
        kdk: ['nkp'],
      }),
      'esx-02': host({ cachedKeys: ['app', 'vsan'] }),
    },
    vms: { db: { power: 'on', locked: false }, app: { power: 'on', locked: false } },
  };
}

/** A copy of the steady state changed by `edit`. */
function changed(edit: (s: ObservedState) => void): ObservedState {
  const s = structuredClone(steady());
  edit(s);
  return s;
}

const lines = (changes: Change[]) => changes.map((c) => formatChange(c));

describe('diffStates', () => {
  test('equal states have no changes', () => {
    expect(diffStates(steady(), steady())).toEqual([]);
  });

  test('a link going down is one change, nothing else', () => {
    const after = changed((s) => (s.hosts['esx-02'].link = 'down'));
    expect(diffStates(steady(), after)).toEqual([{ kind: 'link', host: 'esx-02', from: 'up', to: 'down' }]);
    expect(lines(diffStates(steady(), after))).toEqual(['esx-02 link: up -> down']);
  });

  test('vCenter and key servers', () => {
    const after = changed((s) => {
      s.vcenter = 'down';
      s.providers.kms = 'down';
    });
    expect(lines(diffStates(steady(), after))).toEqual(['vcenter: up -> down', 'kms: up -> down']);
    expect(lines(diffStates(after, steady()))).toEqual(['vcenter: down -> up', 'kms: down -> up']);
  });

  test('key sets report what was added and what was removed, by key name', () => {
    const after = changed((s) => {
      s.hosts['esx-02'].cachedKeys = ['db', 'vsan'];
      s.hosts['esx-01'].kdk = [];
    });
    expect(diffStates(steady(), after)).toEqual([
      { kind: 'keys', host: 'esx-01', field: 'kdk', added: [], removed: ['nkp'] },
      { kind: 'keys', host: 'esx-02', field: 'cachedKeys', added: ['db'], removed: ['app'] },
    ]);
    expect(lines(diffStates(steady(), after))).toEqual(['esx-01 kdk: -nkp', 'esx-02 cache: -app, +db']);
  });

  test('the step 4 of the worked example: cache lost, disk group unmounted, VM locked', () => {
    const after = changed((s) => {
      s.hosts['esx-02'].cachedKeys = [];
      s.hosts['esx-02'].vsan = 'unmounted';
      s.vms.app = { power: 'off', locked: true };
    });
    expect(lines(diffStates(steady(), after))).toEqual([
      'esx-02 cache: -app, -vsan',
      'esx-02 vsan: mounted -> unmounted',
      'vm app: on -> off, locked',
    ]);
  });

  test('an unlock and a power-on read as the VM before and after', () => {
    const locked = changed((s) => (s.vms.app = { power: 'off', locked: true }));
    const unlocked = changed((s) => (s.vms.app = { power: 'off', locked: false }));
    expect(lines(diffStates(locked, unlocked))).toEqual(['vm app: off, locked -> off']);
    expect(lines(diffStates(unlocked, steady()))).toEqual(['vm app: off -> on']);
  });

  test('persistence turned on is one line when setting and effect move together', () => {
    const after = changed((s) => {
      s.hosts['esx-02'].keyPersistence = true;
      s.hosts['esx-02'].persistenceInEffect = true;
      s.hosts['esx-02'].storedKeys = ['app', 'vsan'];
    });
    expect(lines(diffStates(steady(), after))).toEqual([
      'esx-02 persistence: off -> on',
      'esx-02 store: +app, +vsan',
    ]);
  });

  test('persistence in effect is its own line when it moves apart from the setting', () => {
    const before = changed((s) => (s.hosts['esx-02'].keyPersistence = true));
    const after = changed((s) => {
      s.hosts['esx-02'].keyPersistence = true;
      s.hosts['esx-02'].persistenceInEffect = true;
    });
    expect(diffStates(before, after)).toEqual([
      { kind: 'flag', host: 'esx-02', field: 'persistenceInEffect', from: false, to: true },
    ]);
    expect(lines(diffStates(before, after))).toEqual(['esx-02 persistence in effect: no -> yes']);
  });

  test('attestation', () => {
    const after = changed((s) => (s.hosts['esx-01'].attested = false));
    expect(lines(diffStates(steady(), after))).toEqual(['esx-01 attested: yes -> no']);
  });

  test('changes come in state order: services, then hosts, then VMs', () => {
    const after = changed((s) => {
      s.vms.db.power = 'off';
      s.hosts['esx-02'].link = 'down';
      s.hosts['esx-01'].attested = false;
      s.hosts['esx-01'].link = 'down';
      s.providers.kms = 'down';
    });
    expect(diffStates(steady(), after).map((c) => c.kind)).toEqual([
      'provider',
      'link',
      'flag',
      'link',
      'vm',
    ]);
  });

  test('states of different topologies are refused', () => {
    const other = changed((s) => delete s.vms.db);
    expect(() => diffStates(steady(), other)).toThrow(/one topology/);
  });
});

describe('formatState', () => {
  test('one line for the services, one per host, one per VM', () => {
    const s = changed((s) => (s.vms.app = { power: 'off', locked: true }));
    expect(formatState(s)).toEqual([
      'vcenter: up, kms: up',
      'esx-01: link up, attested yes, persistence on, cache {db, vsan}, store {db, vsan}, kdk {nkp}, vsan mounted',
      'esx-02: link up, attested yes, persistence off, cache {app, vsan}, store {}, kdk {}, vsan mounted',
      'vm db: on',
      'vm app: off, locked',
    ]);
  });

  test('no vSAN field on a site without encrypted vSAN', () => {
    const s = changed((s) => {
      s.hosts['esx-01'].vsan = null;
      s.hosts['esx-02'].vsan = null;
    });
    expect(formatState(s)[1]).not.toContain('vsan mounted');
  });
});
