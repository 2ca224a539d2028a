/**
 * A host key manager for a vSphere site, written from key-persistence.md as an implementer would:
 * plain classes, a method per operation, no statecharts. It is the implementation a lab tests with
 * `kpm paths --run` (through adapter.ts or adapter-cli.ts), and it shares nothing with kpm's model
 * but the JSON shapes of interface.md (shapes.ts).
 *
 * Every operation first decides whether it can take effect; if not, it refuses and changes nothing
 * (interface.md). After an applied operation the site settles: KDK delivery, the disk groups'
 * retry, auto-unlock (section 1, "Automatic effects").
 */
import type { Bug } from './bugs.ts';
import type {
  HostState,
  Outcome,
  ProviderKind,
  Release,
  SiteDescription,
  SiteEvent,
  SiteState,
  Tpm,
} from './shapes.ts';

const RELEASES: Release[] = [
  '6.7',
  '7.0',
  '7.0U1',
  '7.0U2',
  '7.0U3',
  '8.0',
  '8.0U1',
  '8.0U2',
  '8.0U3',
  '9.0',
];
const atLeast = (release: Release, floor: Release) => RELEASES.indexOf(release) >= RELEASES.indexOf(floor);

/** The key name of the vSAN cluster's key encryption key. */
const KEK = 'vsan';

/** An operation that cannot take effect: the site stays as it was. */
class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason);
}

export class KeyProvider {
  /** Standard and trusted providers have a key server (a KMS, or the Trust Authority cluster). */
  serverUp = true;

  constructor(
    readonly id: string,
    readonly kind: ProviderKind,
    readonly tpmOnly: boolean,
  ) {}

  get hasServer(): boolean {
    return this.kind !== 'native';
  }
}

/** Key persistence on one host: the setting and the keys sealed in its TPM (KP-11, KP-17). */
export class KeyStore {
  enabled = false;
  /** key -> derived from a KDK (stored under the 7.0 wording only). */
  readonly sealed = new Map<string, boolean>();

  constructor(readonly supported: boolean) {}

  get keys(): string[] {
    return [...this.sealed.keys()].sort();
  }
}

export class Vm {
  power: 'on' | 'off';
  locked = false;
  /** During a boot: it was running when its host went down (ASM-03). */
  wasRunning = false;

  constructor(
    readonly id: string,
    readonly host: EsxHost,
    readonly provider: KeyProvider | null,
    readonly startsRunning: boolean,
  ) {
    this.power = startsRunning ? 'on' : 'off';
  }
}

export class EsxHost {
  linkUp = true;
  attested = true;
  readonly cache = new Set<string>();
  readonly kdks = new Set<string>();
  readonly store: KeyStore;
  diskGroup: 'mounted' | 'unmounted' | null;
  readonly vms: Vm[] = [];

  constructor(
    readonly id: string,
    readonly release: Release,
    readonly tpm: Tpm,
    hasVsan: boolean,
  ) {
    this.store = new KeyStore(atLeast(release, '7.0U2') && tpm === '2.0'); // DOC-01
    this.diskGroup = hasVsan ? 'unmounted' : null;
  }
}

export class KeyManagerSite {
  vcenterUp = true;
  readonly providers = new Map<string, KeyProvider>();
  readonly hosts = new Map<string, EsxHost>();
  readonly vms = new Map<string, Vm>();
  private readonly kekProvider: KeyProvider | null;

  constructor(
    private readonly site: SiteDescription,
    private readonly bugs: ReadonlySet<Bug> = new Set(),
  ) {
    for (const p of site.providers) this.providers.set(p.id, new KeyProvider(p.id, p.kind, p.tpmOnly));
    for (const h of site.hosts) this.hosts.set(h.id, new EsxHost(h.id, h.release, h.tpm, site.vsan !== null));
    for (const v of site.vms) {
      const host = this.hosts.get(v.host) as EsxHost;
      const vm = new Vm(
        v.id,
        host,
        v.encryptedBy === null ? null : (this.providers.get(v.encryptedBy) ?? null),
        v.running,
      );
      host.vms.push(vm);
      this.vms.set(v.id, vm);
    }
    this.kekProvider = site.vsan === null ? null : (this.providers.get(site.vsan.encryptedBy) ?? null);
    this.start();
  }

  private bug(name: Bug): boolean {
    return this.bugs.has(name);
  }

  /** The steady initial state: persistence as configured (in effect before the first boot), every host booted. */
  private start(): void {
    for (const h of this.site.hosts) {
      const host = this.hosts.get(h.id) as EsxHost;
      if (h.keyPersistence && host.store.supported) this.enablePersistence(host);
      this.boot(host, true);
    }
    this.settle();
  }

  // --- operations ------------------------------------------------------------------------------

  apply(event: SiteEvent): Outcome {
    try {
      this.perform(event);
    } catch (error) {
      if (error instanceof Refused) return { outcome: 'refused', reason: error.message };
      throw error;
    }
    this.settle();
    return { outcome: 'applied' };
  }

  private perform(event: SiteEvent): void {
    switch (event.type) {
      case 'KMS_DOWN':
      case 'KMS_UP':
        return this.keyServer(this.provider(event.provider), event.type === 'KMS_UP');
      case 'VCENTER_DOWN':
      case 'VCENTER_UP': {
        const up = event.type === 'VCENTER_UP';
        if (this.vcenterUp === up) refuse(`vCenter is already ${up ? 'up' : 'down'}`);
        this.vcenterUp = up;
        return;
      }
      case 'LINK_DOWN':
      case 'LINK_UP': {
        const host = this.host(event.host);
        const up = event.type === 'LINK_UP';
        if (host.linkUp === up) refuse(`the link of ${host.id} is already ${up ? 'up' : 'down'}`);
        host.linkUp = up;
        return;
      }
      case 'ATTESTATION_FAIL':
      case 'ATTESTATION_PASS': {
        const host = this.host(event.host);
        const attested = event.type === 'ATTESTATION_PASS';
        if (host.attested === attested)
          refuse(`${host.id} is already ${attested ? 'attested' : 'unattested'}`);
        host.attested = attested;
        return;
      }
      case 'HOST_REBOOT':
        return this.boot(this.host(event.host), this.site.options.autostart);
      case 'TPM_REPLACE':
        return this.replaceTpm(this.host(event.host));
      case 'KEY_PERSISTENCE_ENABLE': {
        const host = this.host(event.host);
        if (!host.store.supported && !(this.bug('enable-without-tpm') && atLeast(host.release, '7.0U2'))) {
          refuse(`key persistence needs 7.0U2 or later and a TPM 2.0 on ${host.id} (DOC-01)`);
        }
        if (host.store.enabled) refuse('key persistence is already enabled');
        return this.enablePersistence(host);
      }
      case 'KEY_PERSISTENCE_DISABLE': {
        const host = this.host(event.host);
        if (!host.store.enabled) refuse('key persistence is already disabled');
        host.store.enabled = false;
        if (!this.bug('store-kept-after-disable')) host.store.sealed.clear(); // DOC-02
        return;
      }
      case 'VM_POWER_ON':
        return this.powerOn(this.vm(event.vm));
      case 'VM_POWER_OFF': {
        const vm = this.vm(event.vm);
        if (vm.power === 'off') refuse(`${vm.id} is already off`);
        vm.power = 'off';
        return;
      }
      case 'VM_UNLOCK':
        return this.unlock(this.vm(event.vm));
      default:
        refuse(`unknown event type ${JSON.stringify((event as { type: unknown }).type)}`);
    }
  }

  private provider(id: string): KeyProvider {
    return this.providers.get(id) ?? refuse(`unknown provider ${JSON.stringify(id)}`);
  }

  private host(id: string): EsxHost {
    return this.hosts.get(id) ?? refuse(`unknown host ${JSON.stringify(id)}`);
  }

  private vm(id: string): Vm {
    return this.vms.get(id) ?? refuse(`unknown VM ${JSON.stringify(id)}`);
  }

  private keyServer(provider: KeyProvider, up: boolean): void {
    if (!provider.hasServer) {
      if (this.bug('kms-down-on-native') && !up) return;
      refuse(`${provider.id} is a native provider: it has no key server (KP-13)`);
    }
    if (provider.serverUp === up) refuse(`${provider.id} is already ${up ? 'up' : 'down'}`);
    provider.serverUp = up;
  }

  private powerOn(vm: Vm): void {
    if (vm.power === 'on') refuse(`${vm.id} is already running`);
    if (vm.locked) {
      if (!this.bug('power-on-ignores-lock')) refuse(`${vm.id} is locked; unlock it first (DOC-04)`);
      vm.locked = false;
      vm.power = 'on';
      return;
    }
    if (!this.usable(vm, vm.host)) refuse(`the key of ${vm.id} is not usable on ${vm.host.id} (KP-09)`);
    vm.power = 'on';
    this.obtainVmKey(vm);
  }

  private unlock(vm: Vm): void {
    if (!vm.locked) refuse(`${vm.id} is not locked`);
    const usable = this.usable(vm, vm.host);
    if (!usable && !this.bug('unlock-without-key'))
      refuse(`the key of ${vm.id} is not usable on ${vm.host.id} (DOC-04)`);
    vm.locked = false;
    if (usable) this.obtainVmKey(vm);
    if (this.bug('unlock-powers-on')) vm.power = 'on';
  }

  private replaceTpm(host: EsxHost): void {
    if (host.tpm !== '2.0') refuse(`${host.id} has no TPM 2.0 to clear (DOC-09)`);
    if (!this.bug('tpm-replace-keeps-kdk')) host.kdks.clear(); // DOC-09: what the TPM sealed is gone
    host.store.sealed.clear();
    this.boot(host, this.site.options.autostart);
  }

  // --- keys --------------------------------------------------------------------------------------

  /** Section 1: whether `host` can get `vm`'s key from its source now. */
  private obtainable(vm: Vm, host: EsxHost): boolean {
    const provider = vm.provider;
    if (provider === null) return true;
    switch (provider.kind) {
      case 'standard': // KP-04: through vCenter, from the KMS
        return host.linkUp && this.vcenterUp && provider.serverUp;
      case 'trusted': // KP-05: straight from Trust Authority, attested hosts only (DOC-07)
        return (
          host.linkUp &&
          provider.serverUp &&
          (host.attested || this.bug('attestation-ignored')) &&
          (this.vcenterUp || !this.bug('vcenter-for-trusted'))
        );
      case 'native': // KP-13: derived from the KDK
        return host.kdks.has(provider.id);
    }
  }

  /** Section 1: cached or obtainable; a cached trusted-provider key only while attested (DOC-07). */
  private usable(vm: Vm, host: EsxHost): boolean {
    if (vm.provider === null) return true;
    const allowed = vm.provider.kind !== 'trusted' || host.attested || this.bug('attestation-ignored');
    return (host.cache.has(vm.id) && allowed) || this.obtainable(vm, host);
  }

  private obtainVmKey(vm: Vm, host: EsxHost = vm.host): void {
    if (vm.provider === null) return;
    this.obtain(host, vm.id, vm.provider.kind === 'native');
  }

  /** KP-06: a key the host obtains enters its cache (a derived one never does) and, where in effect, the store. */
  private obtain(host: EsxHost, key: string, derived: boolean): void {
    if (!derived) {
      if (host.cache.has(key)) return;
      host.cache.add(key);
    }
    this.seal(host, key, derived);
  }

  /** ASM-01, KP-03, ASM-06: what persistence stores, where it is in effect. */
  private seal(host: EsxHost, key: string, derived: boolean): void {
    if (!host.store.enabled || !host.store.supported) return;
    if (!this.storable(host, key, derived) || host.store.sealed.has(key)) return;
    host.store.sealed.set(key, derived);
  }

  private storable(host: EsxHost, key: string, derived: boolean): boolean {
    if (key === KEK)
      return (
        !derived &&
        (this.bug('kek-floor-off-by-one') ? atLeast(host.release, '8.0') : atLeast(host.release, '7.0U3'))
      );
    return !derived || this.site.options.nativeKeyWording === '7.0';
  }

  /** KP-17 enable; ASM-01: what the host holds now (cached, or derivable) is stored at once. */
  private enablePersistence(host: EsxHost): void {
    host.store.enabled = true;
    if (!this.site.options.persistCachedKeys) return;
    for (const key of [...host.cache]) this.seal(host, key, false);
    for (const vm of host.vms) {
      if (vm.provider?.kind === 'native' && this.obtainable(vm, host)) this.seal(host, vm.id, true);
    }
  }

  // --- boot --------------------------------------------------------------------------------------

  /** Section 1, "Boot", in its order (ASM-05: one step). */
  private boot(host: EsxHost, autostart: boolean): void {
    // 1. every VM stops, the cache empties (KP-07), the disk group goes down
    for (const vm of host.vms) {
      vm.wasRunning = vm.power === 'on';
      vm.power = 'off';
    }
    if (!this.bug('cache-survives-reboot')) host.cache.clear();
    if (this.bug('kdk-lost-on-reboot')) host.kdks.clear();
    if (host.diskGroup !== null) host.diskGroup = 'unmounted';
    // 2. the stored keys come back (KP-11)
    if (!this.bug('stored-keys-not-restored')) {
      for (const [key, derived] of [...host.store.sealed].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (!derived) host.cache.add(key);
      }
    }
    // 3. missing KDKs (KP-13)
    this.deliverKdks(host);
    // 4. the disk group (DOC-05)
    this.mount(host);
    // 5. each encrypted VM gets its key, or is locked (DOC-04)
    for (const vm of host.vms) {
      if (this.usable(vm, host)) {
        vm.locked = false;
        this.obtainVmKey(vm);
      } else {
        vm.locked = true;
      }
    }
    // 6. autostart (ASM-03)
    for (const vm of host.vms) {
      if (vm.wasRunning && !vm.locked && autostart && !this.bug('autostart-ignored')) vm.power = 'on';
      vm.wasRunning = false;
    }
    // ASM-04 cluster: the host also caches every other VM's key it can obtain now
    if (this.site.options.keyScope === 'cluster') {
      for (const vm of this.vms.values()) {
        if (vm.host === host || vm.provider === null || vm.provider.kind === 'native') continue;
        if (this.obtainable(vm, host)) this.obtain(host, vm.id, false);
      }
    }
  }

  private deliverKdks(host: EsxHost): void {
    if (!host.linkUp || (!this.vcenterUp && !this.bug('kdk-pushed-without-vcenter'))) return;
    for (const provider of this.providers.values()) {
      if (provider.kind !== 'native' || host.kdks.has(provider.id)) continue;
      const eligible = atLeast(host.release, '7.0U2') && (!provider.tpmOnly || host.tpm === '2.0'); // DOC-06
      if (eligible) host.kdks.add(provider.id);
    }
  }

  /** DOC-05: an unmounted disk group mounts once the KEK is usable (fetching it if needed). */
  private mount(host: EsxHost): void {
    const provider = this.kekProvider;
    if (host.diskGroup !== 'unmounted' || provider === null) return;
    if (provider.kind === 'native') {
      if (host.kdks.has(provider.id)) host.diskGroup = 'mounted'; // derived: nothing to cache
      return;
    }
    const obtainable = host.linkUp && provider.serverUp; // vSAN hosts talk to the KMS directly
    if (!host.cache.has(KEK) && !obtainable) return;
    host.diskGroup = 'mounted';
    this.obtain(host, KEK, false);
  }

  /** Section 1, "Automatic effects after every applied event", host by host. */
  private settle(): void {
    for (const host of this.hosts.values()) {
      this.deliverKdks(host);
      if (!this.bug('disk-group-no-retry')) this.mount(host);
      for (const vm of host.vms) {
        if (vm.locked && this.site.options.autoUnlock && this.usable(vm, host)) {
          vm.locked = false; // ASM-02: it stays off
          this.obtainVmKey(vm);
        }
      }
    }
  }

  // --- what a user sees -------------------------------------------------------------------------

  observe(): SiteState {
    const providers: SiteState['providers'] = {};
    for (const p of this.providers.values()) if (p.hasServer) providers[p.id] = p.serverUp ? 'up' : 'down';
    const hosts: Record<string, HostState> = {};
    for (const h of this.hosts.values()) {
      const inEffect = h.store.enabled && h.store.supported;
      hosts[h.id] = {
        link: h.linkUp ? 'up' : 'down',
        keyPersistence: h.store.enabled,
        persistenceInEffect: inEffect,
        cachedKeys: [...h.cache].sort(),
        storedKeys: h.store.keys,
        kdk: [...h.kdks].sort(),
        attested: h.attested,
        vsan: h.diskGroup,
      };
    }
    const vms: SiteState['vms'] = {};
    for (const vm of this.vms.values()) vms[vm.id] = { power: vm.power, locked: vm.locked };
    return { vcenter: this.vcenterUp ? 'up' : 'down', providers, hosts, vms };
  }
}
