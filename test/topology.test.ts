import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../src/errors.ts';
import { topologyJsonSchema } from '../src/topology/json-schema.ts';
import { loadTopology, parseTopology } from '../src/topology/load.ts';
import { TOPOLOGY_RULES, VTPM_FLOOR_IS_FIRST_RELEASE } from '../src/topology/rules.ts';
import { DEFAULT_OPTIONS } from '../models/topology.ts';

/** One string per line, so that a test reads its line numbers off the array. */
const lines = (...rows: string[]) => rows.join('\n') + '\n';

/** The formatted problems of a topology that must be rejected. */
function problems(text: string, file = 'site.yaml'): string[] {
  try {
    parseTopology(text, file);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('the topology was accepted');
}

/** A valid site (lines 1-9) that tests extend with vms and vsan from line 10 on. */
const SITE = [
  'name: edge', // 1
  'release: "7.0U3"', // 2
  'providers:', // 3
  '  - { id: kms, kind: standard }', // 4
  '  - { id: vta, kind: trusted }', // 5
  '  - { id: nkp, kind: native }', // 6
  'hosts:', // 7
  '  - { id: esx-01, tpm: "2.0", keyPersistence: true }', // 8
  '  - { id: esx-02, release: "7.0U1" }', // 9
];

const INTERFACE_EXAMPLE = `name: edge-site                # free text
release: "7.0U3"               # default release of every host
options:                       # the ASM choices of key-persistence.md; all optional
  autoUnlock: false
  autostart: true
providers:
  - { id: kms, kind: standard }
  - { id: vta, kind: trusted }
  - { id: nkp, kind: native, tpmOnly: true }
hosts:
  - { id: esx-01, tpm: "2.0", keyPersistence: true }
  - { id: esx-02, tpm: none, release: "7.0U1" }
vms:
  - { id: db, host: esx-01, encryptedBy: kms, running: true }
  - { id: dc, host: esx-01, encryptedBy: nkp, vtpm: true, running: true }
  - { id: web, host: esx-02, running: true }          # unencrypted
vsan: { encryptedBy: kms }     # optional
`;

describe('a valid topology', () => {
  it('loads the example of interface.md with every default filled in', () => {
    expect(parseTopology(INTERFACE_EXAMPLE, 'edge.yaml')).toEqual({
      name: 'edge-site',
      release: '7.0U3',
      options: DEFAULT_OPTIONS,
      providers: [
        { id: 'kms', kind: 'standard', tpmOnly: true },
        { id: 'vta', kind: 'trusted', tpmOnly: true },
        { id: 'nkp', kind: 'native', tpmOnly: true },
      ],
      hosts: [
        { id: 'esx-01', release: '7.0U3', tpm: '2.0', keyPersistence: true },
        { id: 'esx-02', release: '7.0U1', tpm: 'none', keyPersistence: false },
      ],
      vms: [
        { id: 'db', host: 'esx-01', encryptedBy: 'kms', vtpm: false, running: true },
        { id: 'dc', host: 'esx-01', encryptedBy: 'nkp', vtpm: true, running: true },
        { id: 'web', host: 'esx-02', encryptedBy: null, vtpm: false, running: true },
      ],
      vsan: { encryptedBy: 'kms' },
    });
  });

  it('fills in every default of a minimal site', () => {
    const topology = parseTopology(lines('name: tiny', 'release: "8.0"', 'hosts: [{ id: h }]'), 'tiny.yaml');
    expect(topology).toEqual({
      name: 'tiny',
      release: '8.0',
      options: DEFAULT_OPTIONS,
      providers: [],
      hosts: [{ id: 'h', release: '8.0', tpm: 'none', keyPersistence: false }],
      vms: [],
      vsan: null,
    });
  });

  it('keeps the options a file sets and defaults the others', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'options: { autoUnlock: true, keyScope: cluster }',
      'hosts: [{ id: h }]',
    );
    expect(parseTopology(text, 't.yaml').options).toEqual({
      ...DEFAULT_OPTIONS,
      autoUnlock: true,
      keyScope: 'cluster',
    });
  });

  it('keeps tpmOnly: false on a native provider', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'providers: [{ id: n, kind: native, tpmOnly: false }]',
      'hosts: [{ id: h }]',
    );
    expect(parseTopology(text, 't.yaml').providers).toEqual([{ id: 'n', kind: 'native', tpmOnly: false }]);
  });

  it('loads a file from disk', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpm-')), 'edge.yaml');
    writeFileSync(file, INTERFACE_EXAMPLE);
    expect(loadTopology(file).name).toBe('edge-site');
  });
});

describe('the shape of a topology file', () => {
  it('names an unknown key, on its own line', () => {
    const text = lines('name: t', 'release: "8.0"', 'hosts:', '  - id: h', '    tmp: "2.0"');
    expect(problems(text)).toEqual([
      'site.yaml:5: hosts[0].tmp: unknown key "tmp"; allowed keys here: id, release, tpm, keyPersistence',
    ]);
  });

  it('tells to quote a release that YAML read as a number', () => {
    expect(problems(lines('name: t', 'release: 7.0', 'hosts: [{ id: h }]'))).toEqual([
      'site.yaml:2: release: got the number 7; write release as a quoted string, e.g. "7.0U3"',
    ]);
  });

  it('tells to quote a TPM version that YAML read as a number', () => {
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts:', '  - { id: h, tpm: 2.0 }'))).toEqual([
      'site.yaml:4: hosts[0].tpm: got the number 2; write tpm as a quoted string, e.g. "2.0"',
    ]);
  });

  it('lists the releases for an unknown one', () => {
    expect(problems(lines('name: t', 'release: "7.0U4"', 'hosts: [{ id: h }]'))).toEqual([
      'site.yaml:2: release: expected one of "6.7", "7.0", "7.0U1", "7.0U2", "7.0U3", "8.0", "8.0U1", "8.0U2", "8.0U3", "9.0", got the string "7.0U4"',
    ]);
  });

  it('rejects tpmOnly on a standard or trusted provider (DOC-06)', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'providers:',
      '  - { id: kms, kind: standard, tpmOnly: true }',
      '  - { id: vta, kind: trusted, tpmOnly: false }',
      'hosts: [{ id: h }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: providers[0].tpmOnly: tpmOnly applies to native providers only (DOC-06)',
      'site.yaml:5: providers[1].tpmOnly: tpmOnly applies to native providers only (DOC-06)',
    ]);
  });

  it('rejects an unknown or missing provider kind', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'providers:',
      '  - { id: a, kind: kmip }',
      '  - { id: b }',
      'hosts: [{ id: h }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: providers[0].kind: expected "standard", "trusted" or "native", got "kmip"',
      'site.yaml:5: providers[1].kind: missing; kind is "standard", "trusted" or "native"',
    ]);
  });

  it('rejects ids that are not plain words, and missing ids on the line of their item', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'hosts:',
      '  - { id: "esx 01" }',
      '  - { tpm: "2.0" }',
      '  - { id: "" }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: hosts[0].id: expected an id: a non-empty string of letters, digits, ".", "_" and "-"',
      'site.yaml:5: hosts[1].id: missing (required)',
      'site.yaml:6: hosts[2].id: expected an id: a non-empty string of letters, digits, ".", "_" and "-"',
    ]);
  });

  it('needs at least one host', () => {
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts: []'))).toEqual([
      'site.yaml:3: hosts: a site needs at least one host',
    ]);
  });

  it('says which required fields are missing', () => {
    expect(problems(lines('hosts: [{ id: h }]'))).toEqual([
      'site.yaml:1: name: missing (required)',
      'site.yaml:1: release: missing (required)',
    ]);
  });

  it('says what a wrong type should be', () => {
    const text = lines('name: t', 'release: "8.0"', 'options:', '  autostart: yes', 'hosts: { id: h }');
    expect(problems(text)).toEqual([
      'site.yaml:4: options.autostart: expected true or false, got the string "yes"',
      'site.yaml:5: hosts: expected a list, got an object',
    ]);
  });

  it('rejects an empty file and a file that is not an object', () => {
    expect(problems('')).toEqual([
      'site.yaml: the file is empty; a topology needs at least name, release and hosts',
    ]);
    expect(problems('- a\n')).toEqual(['site.yaml:1: expected an object (key: value pairs), got a list']);
  });

  it('reports an unclosed flow list on the line where it opened, not a line late', () => {
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts: [{ id: h }', 'vms: []'))).toEqual([
      'site.yaml:3: hosts: the flow list opened with "[" on this line is never closed with "]"',
    ]);
  });

  it('reports an unclosed flow map on its own line', () => {
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts:', '  - { id: h', '  - { id: i }'))).toEqual([
      'site.yaml:4: hosts[0]: the flow map opened with "{" on this line is never closed with "}"',
    ]);
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts: [{ id: h ]'))).toEqual([
      'site.yaml:3: hosts[0]: the flow map opened with "{" on this line is closed with "]"; close it with "}"',
    ]);
  });

  it('names a key given twice, and still checks the rest', () => {
    const text = lines('name: t', 'name: u', 'release: "8.0"', 'hosts: [{ id: h, tpm: 2.0 }]');
    expect(problems(text)).toEqual([
      'site.yaml:2: name: duplicate key "name" (first on line 1); a key may appear once',
      'site.yaml:4: hosts[0].tpm: got the number 2; write tpm as a quoted string, e.g. "2.0"',
    ]);
  });

  it('reports an unreadable file', () => {
    expect(() => loadTopology('/nonexistent/site.yaml')).toThrow(
      /^\/nonexistent\/site\.yaml: cannot read file: ENOENT/,
    );
  });
});

describe('the rules of a topology', () => {
  it('rejects duplicate ids in providers, hosts and vms, and a VM called vsan', () => {
    const text = lines(
      'name: t', // 1
      'release: "8.0"', // 2
      'providers: [{ id: kms, kind: standard }, { id: kms, kind: native }]', // 3
      'hosts:', // 4
      '  - { id: h }', // 5
      '  - { id: h }', // 6
      'vms:', // 7
      '  - { id: db, host: h }', // 8
      '  - { id: db, host: h }', // 9
      '  - { id: vsan, host: h }', // 10
    );
    expect(problems(text)).toEqual([
      'site.yaml:3: providers[1].id: duplicate provider id "kms" (first at providers[0])',
      'site.yaml:6: hosts[1].id: duplicate host id "h" (first at hosts[0])',
      'site.yaml:9: vms[1].id: duplicate VM id "db" (first at vms[0])',
      'site.yaml:10: vms[2].id: a VM cannot be called "vsan": that is the key name of the vSAN KEK',
    ]);
  });

  it('rejects unknown hosts and providers', () => {
    const text = lines(
      ...SITE,
      'vms:',
      '  - { id: db, host: esx-9, encryptedBy: kmz }',
      'vsan: { encryptedBy: nope }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:11: vms[0].host: unknown host "esx-9"; the hosts are esx-01, esx-02',
      'site.yaml:11: vms[0].encryptedBy: unknown provider "kmz"; the providers are kms, vta, nkp',
      'site.yaml:12: vsan.encryptedBy: unknown provider "nope"; the providers are kms, vta, nkp',
    ]);
  });

  it('says when there is no provider at all', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'hosts: [{ id: h }]',
      'vms: [{ id: v, host: h, encryptedBy: kms }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: vms[0].encryptedBy: unknown provider "kms"; there are no providers',
    ]);
  });

  it('rejects a vTPM on an unencrypted VM', () => {
    const text = lines(...SITE, 'vms:', '  - id: app', '    host: esx-01', '    vtpm: true');
    expect(problems(text)).toEqual([
      'site.yaml:13: vms[0].vtpm: a vTPM needs an encrypted VM: set encryptedBy (key-persistence.md, section 1)',
    ]);
  });

  it('rejects a trusted provider on a site below 7.0 (DOC-08)', () => {
    const text = lines(
      'name: t',
      'release: "6.7"',
      'providers:',
      '  - { id: vta, kind: trusted }',
      'hosts: [{ id: h }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: providers[0].kind: a trusted provider needs release 7.0 or later; the site runs 6.7 (DOC-08)',
    ]);
  });

  it('rejects a native provider on a site below 7.0U2 (DOC-08)', () => {
    const text = lines(
      'name: t',
      'release: "7.0U1"',
      'providers:',
      '  - { id: nkp, kind: native }',
      'hosts: [{ id: h }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: providers[0].kind: a native provider needs release 7.0U2 or later; the site runs 7.0U1 (DOC-08)',
    ]);
  });

  it('rejects a trusted-provider VM on a host below 7.0 (DOC-08)', () => {
    const text = lines(
      'name: t',
      'release: "7.0U3"',
      'providers: [{ id: vta, kind: trusted }]',
      'hosts: [{ id: old, release: "6.7", tpm: "2.0" }]',
      'vms: [{ id: app, host: old, encryptedBy: vta }]',
    );
    expect(problems(text)).toEqual([
      'site.yaml:5: vms[0].host: VM "app" uses trusted provider "vta", which needs its host at 7.0 or later; host "old" runs 6.7 (DOC-08)',
    ]);
  });

  it('rejects a trusted-provider VM on a host without a TPM 2.0 (DOC-07)', () => {
    const text = lines(
      ...SITE.slice(0, 8),
      '  - { id: esx-02, tpm: "1.2" }',
      'vms:',
      '  - { id: app, host: esx-02, encryptedBy: vta }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:11: vms[0].host: VM "app" uses trusted provider "vta", which needs a host with a TPM 2.0; host "esx-02" has tpm "1.2" (DOC-07)',
    ]);
  });

  it('rejects a native-provider VM on a host below 7.0U2 (DOC-08)', () => {
    const text = lines(...SITE, 'vms:', '  - { id: dc, host: esx-02, encryptedBy: nkp, vtpm: true }');
    expect(problems(text)).toEqual([
      'site.yaml:11: vms[0].host: VM "dc" uses native provider "nkp", which needs its host at 7.0U2 or later; host "esx-02" runs 7.0U1 (DOC-08)',
    ]);
  });

  it('rejects a native-encrypted vSAN unless every host is 7.0U2 or later (DOC-08)', () => {
    const text = lines(...SITE, 'vsan:', '  encryptedBy: nkp');
    expect(problems(text)).toEqual([
      'site.yaml:11: vsan.encryptedBy: vSAN encrypted by native provider "nkp" needs every host at 7.0U2 or later; host "esx-02" runs 7.0U1 (DOC-08)',
    ]);
  });

  it('accepts a vSAN encrypted by a standard provider on any release', () => {
    expect(parseTopology(lines(...SITE, 'vsan: { encryptedBy: kms }'), 'site.yaml').vsan).toEqual({
      encryptedBy: 'kms',
    });
  });

  it('rejects a vSAN encrypted by a trusted provider', () => {
    expect(problems(lines(...SITE, 'vsan: { encryptedBy: vta }'))).toEqual([
      'site.yaml:10: vsan.encryptedBy: vSAN encryption takes a standard or native provider; "vta" is trusted (key-persistence.md, section 1)',
    ]);
  });

  it('rejects keyPersistence below 7.0U2 (DOC-01)', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'hosts:',
      '  - { id: h, release: "7.0U1", tpm: "2.0", keyPersistence: true }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: hosts[0].keyPersistence: keyPersistence needs release 7.0U2 or later; this host runs 7.0U1 (DOC-01)',
    ]);
  });

  it('rejects keyPersistence without a TPM 2.0 (DOC-01)', () => {
    const text = lines(
      'name: t',
      'release: "8.0"',
      'hosts:',
      '  - id: h1',
      '    tpm: "1.2"',
      '    keyPersistence: true',
      '  - { id: h2, keyPersistence: true }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:6: hosts[0].keyPersistence: keyPersistence needs a TPM 2.0; this host has tpm "1.2" (DOC-01)',
      'site.yaml:7: hosts[1].keyPersistence: keyPersistence needs a TPM 2.0; this host has tpm "none" (DOC-01)',
    ]);
  });

  it('reports every broken rule at once, in file order', () => {
    const text = lines(
      'name: t', // 1
      'release: "7.0U1"', // 2
      'providers:', // 3
      '  - { id: nkp, kind: native }', // 4
      '  - { id: vta, kind: trusted }', // 5
      'hosts:', // 6
      '  - { id: h, tpm: none, keyPersistence: true }', // 7
      'vms:', // 8
      '  - { id: a, host: h, encryptedBy: vta }', // 9
      '  - { id: b, host: h, vtpm: true }', // 10
      'vsan: { encryptedBy: vta }', // 11
    );
    expect(problems(text)).toEqual([
      'site.yaml:4: providers[0].kind: a native provider needs release 7.0U2 or later; the site runs 7.0U1 (DOC-08)',
      'site.yaml:7: hosts[0].keyPersistence: keyPersistence needs release 7.0U2 or later; this host runs 7.0U1 (DOC-01)',
      'site.yaml:7: hosts[0].keyPersistence: keyPersistence needs a TPM 2.0; this host has tpm "none" (DOC-01)',
      'site.yaml:9: vms[0].host: VM "a" uses trusted provider "vta", which needs a host with a TPM 2.0; host "h" has tpm "none" (DOC-07)',
      'site.yaml:10: vms[1].vtpm: a vTPM needs an encrypted VM: set encryptedBy (key-persistence.md, section 1)',
      'site.yaml:11: vsan.encryptedBy: vSAN encryption takes a standard or native provider; "vta" is trusted (key-persistence.md, section 1)',
    ]);
  });

  it('reports every shape problem at once', () => {
    const text = lines(
      'name: t',
      'release: 8.0',
      'colour: red',
      'hosts:',
      '  - { id: h, tpm: 2.0 }',
      '  - { tpm: none }',
    );
    expect(problems(text)).toEqual([
      'site.yaml:2: release: got the number 8; write release as a quoted string, e.g. "7.0U3"',
      'site.yaml:3: colour: unknown key "colour"; allowed keys here: name, release, options, providers, hosts, vms, vsan',
      'site.yaml:5: hosts[0].tpm: got the number 2; write tpm as a quoted string, e.g. "2.0"',
      'site.yaml:6: hosts[1].id: missing (required)',
    ]);
  });
});

describe('every problem at once: the rules run on the parts that are well formed', () => {
  it('lists the schema problems and the rule problems together (on one line: the schema first)', () => {
    const text = lines(
      'name: t', // 1
      'release: "7.0U3"', // 2
      'providers: [{ id: vta, kind: trusted }]', // 3
      'hosts:', // 4
      '  - { id: h, tpm: 3.0 }', // 5
      '  - { id: h, keyPersistence: yes }', // 6
      'vms:', // 7
      '  - { id: a, host: nowhere, running: 1 }', // 8
    );
    expect(problems(text)).toEqual([
      'site.yaml:5: hosts[0].tpm: got the number 3; write tpm as a quoted string, e.g. "2.0"',
      'site.yaml:6: hosts[1].keyPersistence: expected true or false, got the string "yes"',
      'site.yaml:6: hosts[1].id: duplicate host id "h" (first at hosts[0])',
      'site.yaml:8: vms[0].running: expected true or false, got the number 1',
      'site.yaml:8: vms[0].host: unknown host "nowhere"; the hosts are h',
    ]);
  });

  it('lists an unknown key beside a duplicate id', () => {
    const text = lines('name: t', 'release: "8.0"', 'hosts:', '  - { id: h, tmp: "2.0" }', '  - { id: h }');
    expect(problems(text)).toEqual([
      'site.yaml:4: hosts[0].tmp: unknown key "tmp"; allowed keys here: id, release, tpm, keyPersistence',
      'site.yaml:5: hosts[1].id: duplicate host id "h" (first at hosts[0])',
    ]);
  });

  it('skips a rule that needs a part the file gets wrong, rather than guess it', () => {
    const text = lines(
      'name: t', // 1
      'release: "8.0"', // 2
      'providers: [{ id: nkp, kind: native }]', // 3
      'hosts:', // 4
      '  - { id: h, tpm: "3.0", keyPersistence: true }', // 5: no "needs a TPM 2.0" on a wrong tpm
      '  - { id: "esx 2", release: "7.0U1" }', // 6: a wrong id: no host can be called unknown
      '  - { id: old, release: "7.1" }', // 7: a wrong release: no floor checked
      'vms:', // 8
      '  - { id: a, host: esx-2 }', // 9
      '  - { id: b, host: old, encryptedBy: nkp }', // 10
      'vsan: { encryptedBy: nkp }', // 11: esx 2 runs 7.0U1, below the native floor
    );
    expect(problems(text)).toEqual([
      'site.yaml:5: hosts[0].tpm: expected one of "2.0", "1.2", "none", got the string "3.0"',
      'site.yaml:6: hosts[1].id: expected an id: a non-empty string of letters, digits, ".", "_" and "-"',
      'site.yaml:7: hosts[2].release: expected one of "6.7", "7.0", "7.0U1", "7.0U2", "7.0U3", "8.0", "8.0U1", "8.0U2", "8.0U3", "9.0", got the string "7.1"',
    ]);
  });

  it('checks the release floors against the site release when only the hosts are wrong', () => {
    const text = lines(
      'name: t', // 1
      'release: "7.0U1"', // 2
      'providers: [{ id: nkp, kind: native }]', // 3
      'hosts: { id: h }', // 4
    );
    expect(problems(text)).toEqual([
      'site.yaml:3: providers[0].kind: a native provider needs release 7.0U2 or later; the site runs 7.0U1 (DOC-08)',
      'site.yaml:4: hosts: expected a list, got an object',
    ]);
  });
});

describe('the vTPM floor (DOC-08)', () => {
  it('is the first release a topology can name, so no rule is needed (restore one in vmRules if an older release is added)', () => {
    expect(VTPM_FLOOR_IS_FIRST_RELEASE).toBe(true);
    const text = lines(
      'name: t',
      'release: "6.7"',
      'providers: [{ id: kms, kind: standard }]',
      'hosts: [{ id: h }]',
      'vms: [{ id: v, host: h, encryptedBy: kms, vtpm: true }]',
    );
    expect(parseTopology(text, 'site.yaml').vms[0].vtpm).toBe(true);
  });

  it('has no rule of its own among the rules', () => {
    expect(TOPOLOGY_RULES.some((rule) => rule.includes('vtpm-floor'))).toBe(false);
  });
});

describe('JSON topology files', () => {
  it('load like YAML', () => {
    const json = JSON.stringify({ name: 'j', release: '8.0', hosts: [{ id: 'h' }] });
    expect(parseTopology(json, 'site.json').hosts).toEqual([
      { id: 'h', release: '8.0', tpm: 'none', keyPersistence: false },
    ]);
  });

  it('get line numbers in their problems', () => {
    const json = JSON.stringify(
      {
        name: 'j',
        release: 7.0,
        hosts: [{ id: 'h', tpm: '2.0', keyPersistence: true }],
        vms: [{ id: 'v', host: 'x' }],
      },
      null,
      '\t',
    );
    // The rules run on the parts that are well formed, in the same run.
    expect(problems(json, 'site.json')).toEqual([
      'site.json:3: release: got the number 7; write release as a quoted string, e.g. "7.0U3"',
      'site.json:14: vms[0].host: unknown host "x"; the hosts are h',
    ]);
    expect(problems(json.replace('7', '"7.0U1"'), 'site.json')).toEqual([
      'site.json:8: hosts[0].keyPersistence: keyPersistence needs release 7.0U2 or later; this host runs 7.0U1 (DOC-01)',
      'site.json:14: vms[0].host: unknown host "x"; the hosts are h',
    ]);
  });
});

describe('the InputError message', () => {
  it('lists every problem as file:line: path: message', () => {
    try {
      parseTopology(lines('name: t', 'release: "8.0"', 'hosts: [{ id: h, tpm: 2.0, x: 1 }]'), 'a.yaml');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          'a.yaml:3: hosts[0].tpm: got the number 2; write tpm as a quoted string, e.g. "2.0"',
          'a.yaml:3: hosts[0].x: unknown key "x"; allowed keys here: id, release, tpm, keyPersistence',
        ].join('\n'),
      );
    }
  });

  it('keeps every problem on one line, whatever the file holds', () => {
    expect(formatProblem({ file: 'a.yaml', line: 1, path: '', message: 'quote: "x\ny\u0007\u2028"' })).toBe(
      'a.yaml:1: quote: "x\\ny\\u0007\\u2028"',
    );
    expect(problems(lines('name: t', 'release: "8.0"', 'hosts: [{ id: h }]', '"a\\nb": 1'))).toEqual([
      'site.yaml:4: ["a\\nb"]: unknown key "a\\nb"; allowed keys here: name, release, options, providers, hosts, vms, vsan',
    ]);
  });

  it('leaves out a line it does not know', () => {
    expect(formatProblem({ file: 'a.yaml', line: null, path: 'hosts', message: 'm' })).toBe(
      'a.yaml: hosts: m',
    );
  });
});

describe('schema/topology.schema.json', () => {
  it('is the JSON Schema of the loader (run src/topology/write-json-schema.ts after changing schema.ts)', () => {
    const file = new URL('../schema/topology.schema.json', import.meta.url);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(topologyJsonSchema());
  });

  it('makes defaulted fields optional and names the schema', () => {
    const schema = topologyJsonSchema() as { $id: string; title: string; required: string[] };
    expect(schema.$id).toBe('urn:kpm:schema:topology');
    expect(schema.title).toBe('kpm topology');
    expect(schema.required).toEqual(['name', 'release', 'hosts']);
  });
});
