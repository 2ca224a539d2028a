/**
 * The topology file as a user writes it (interface.md, "Topology file"), before defaults are
 * resolved against each other (a host's release) and before the cross-reference rules (rules.ts).
 * The same schema gives the JSON Schema for editors (json-schema.ts), hence a description per field.
 */
import { z } from 'zod';
import { RELEASES } from '../../models/vocabulary.ts';
import { DEFAULT_OPTIONS } from '../../models/topology.ts';

/** Ids become key names and event targets, so they stay plain words. */
const ID_PATTERN = /^[A-Za-z0-9._-]+$/;

function id(description: string) {
  return z
    .string({ error: idError })
    .regex(ID_PATTERN, { error: idError })
    .describe(`${description}: letters, digits, ".", "_" and "-"`);
}

function idError(issue: { input?: unknown }): string | undefined {
  // A missing id falls through to the generic "missing" message of load.ts.
  if (issue.input === undefined) return undefined;
  return `expected an id: a non-empty string of letters, digits, ".", "_" and "-"`;
}

/**
 * An enum of strings that look like numbers. YAML reads an unquoted `7.0` as the number 7, so a
 * number here is almost always a missing pair of quotes: say so rather than list the values.
 */
function quotedEnum<const T extends readonly [string, ...string[]]>(
  values: T,
  field: string,
  example: string,
) {
  return z.enum(values, {
    error: (issue) =>
      typeof issue.input === 'number'
        ? `got the number ${issue.input}; write ${field} as a quoted string, e.g. "${example}"`
        : undefined,
  });
}

/**
 * Keys a schema does not know are errors (a typo would otherwise silently become a default).
 * load.ts reports each unknown key on its own line; this message lists what is allowed.
 */
function strict<const S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `allowed keys here: ${allowed}` : undefined),
  });
}

const release = (description: string) => quotedEnum(RELEASES, 'release', '7.0U3').describe(description);

/** DOC-06 restricts native providers only; on the other kinds tpmOnly would mean nothing. */
const notTpmOnly = z
  .never({ error: 'tpmOnly applies to native providers only (DOC-06)' })
  .optional()
  .describe('Not allowed: tpmOnly applies to native providers only (DOC-06)');

const providerId = id('Provider id, referred to by vms[].encryptedBy, vsan.encryptedBy and KMS events');

const standardProvider = strict({
  id: providerId,
  kind: z.literal('standard').describe('An external KMIP key server; vCenter fetches keys from it (KP-04)'),
  tpmOnly: notTpmOnly,
});

const trustedProvider = strict({
  id: providerId,
  kind: z
    .literal('trusted')
    .describe('vSphere Trust Authority; attested hosts fetch keys from it directly (KP-05, DOC-07)'),
  tpmOnly: notTpmOnly,
});

const nativeProvider = strict({
  id: providerId,
  kind: z
    .literal('native')
    .describe('Native Key Provider: hosts derive keys from a KDK pushed by vCenter (KP-13)'),
  tpmOnly: z
    .boolean()
    .default(true)
    .describe('Only hosts with a TPM 2.0 receive the KDK (DOC-06); default true'),
});

const KINDS = '"standard", "trusted" or "native"';

const provider = z
  .discriminatedUnion('kind', [standardProvider, trustedProvider, nativeProvider], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      return kind === undefined
        ? `missing; kind is ${KINDS}`
        : `expected ${KINDS}, got ${JSON.stringify(kind)}`;
    },
  })
  .describe('A key provider');

const host = strict({
  id: id('Host id, referred to by vms[].host and host events'),
  release: release(
    "The host's release; the site's release when absent (a cluster in the middle of an upgrade)",
  ).optional(),
  tpm: quotedEnum(['2.0', '1.2', 'none'], 'tpm', '2.0')
    .default('none')
    .describe('The TPM of the host: "2.0", "1.2" or none; only a TPM 2.0 can seal keys (DOC-01)'),
  keyPersistence: z
    .boolean()
    .default(false)
    .describe('The key persistence setting at the start (KP-17); needs 7.0U2 and a TPM 2.0 (DOC-01)'),
}).describe('An ESXi host');

const vm = strict({
  id: id('VM id; also the name of its key in caches and stores'),
  host: id('Id of the host the VM is registered on'),
  encryptedBy: id('Id of the provider that encrypts the VM')
    .nullable()
    .default(null)
    .describe('Id of the provider that encrypts the VM; absent or null for an unencrypted VM'),
  vtpm: z.boolean().default(false).describe('The VM has a vTPM (needs an encrypted VM and 6.7, DOC-08)'),
  running: z.boolean().default(false).describe('The VM runs in the initial state (when its key is usable)'),
}).describe('A virtual machine');

const vsan = strict({
  encryptedBy: id('Id of the standard or native provider of the vSAN KEK'),
})
  .nullable()
  .default(null)
  .describe('vSAN data-at-rest encryption of the cluster; absent or null for none');

const options = strict({
  persistCachedKeys: z
    .boolean()
    .default(DEFAULT_OPTIONS.persistCachedKeys)
    .describe('ASM-01: while persistence is in effect every cached key is also stored'),
  autoUnlock: z
    .boolean()
    .default(DEFAULT_OPTIONS.autoUnlock)
    .describe('ASM-02: a locked VM unlocks by itself (and stays off) once its key is usable'),
  autostart: z
    .boolean()
    .default(DEFAULT_OPTIONS.autostart)
    .describe('ASM-03: a VM running before its host rebooted starts again when its key is usable'),
  keyScope: z
    .enum(['host', 'cluster'])
    .default(DEFAULT_OPTIONS.keyScope)
    .describe('ASM-04: a host caches the keys of its own VMs (host) or of every VM of the site (cluster)'),
  reboot: z
    .literal('atomic')
    .default(DEFAULT_OPTIONS.reboot)
    .describe('ASM-05: a reboot is one atomic step (the only model so far)'),
  nativeKeyWording: quotedEnum(['8.0', '7.0'], 'nativeKeyWording', '8.0')
    .default(DEFAULT_OPTIONS.nativeKeyWording)
    .describe('ASM-06: "8.0": persistence never stores native-provider keys; "7.0": it does'),
})
  .default(() => ({ ...DEFAULT_OPTIONS }))
  .describe('The modelling choices of key-persistence.md, section 4; each one optional');

export const topologySchema = strict({
  name: z.string().min(1, { error: 'the name cannot be empty' }).describe('Name of the site (free text)'),
  release: release('Release of the site: vCenter, and every host that does not give its own'),
  options,
  providers: z
    .array(provider)
    .default(() => [])
    .describe('Key providers: standard (KMS), trusted (Trust Authority), native (NKP)'),
  hosts: z
    .array(host)
    .min(1, { error: 'a site needs at least one host' })
    .describe('ESXi hosts; at least one'),
  vms: z
    .array(vm)
    .default(() => [])
    .describe('Virtual machines'),
  vsan,
}).describe('A vSphere site for kpm: hosts, key providers, VMs and an optional encrypted vSAN');

/** What the schema gives back: every default filled in, no cross-reference checked yet. */
export type ParsedTopology = z.output<typeof topologySchema>;

/**
 * The parts of a topology one by one, for a file whose shape is wrong somewhere: load.ts checks
 * each field the rules need on its own, so that the rules still run on what is well formed.
 */
export const topologyParts = {
  release: topologySchema.shape.release,
  providerId,
  providerKind: z.enum(['standard', 'trusted', 'native']),
  host: host.shape,
  vm: vm.shape,
  vsan: vsan.unwrap().unwrap().shape,
};
