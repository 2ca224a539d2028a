/**
 * Topology files written back: what a counterexample, a report or a test path leaves beside its
 * events file, so that `kpm replay <topology> <events>` reproduces it.
 */
import { Document, isMap, isSeq, visit } from 'yaml';
import type { Topology } from '../../models/topology.ts';

/**
 * A topology file (interface.md) that loads back to exactly this topology: defaults are left out
 * where the file format has them, each provider, host and VM on one line.
 */
export function topologyYaml(t: Topology): string {
  const data = {
    name: t.name,
    release: t.release,
    options: t.options,
    providers: t.providers.map((p) =>
      p.kind === 'native' ? { id: p.id, kind: p.kind, tpmOnly: p.tpmOnly } : { id: p.id, kind: p.kind },
    ),
    hosts: t.hosts.map((h) => ({
      id: h.id,
      ...(h.release === t.release ? {} : { release: h.release }),
      tpm: h.tpm,
      ...(h.keyPersistence ? { keyPersistence: true } : {}),
    })),
    vms: t.vms.map((v) => ({
      id: v.id,
      host: v.host,
      ...(v.encryptedBy === null ? {} : { encryptedBy: v.encryptedBy }),
      ...(v.vtpm ? { vtpm: true } : {}),
      ...(v.running ? { running: true } : {}),
    })),
    ...(t.vsan ? { vsan: t.vsan } : {}),
  };
  const doc = new Document(data);
  visit(doc, {
    Map(_key, node, path) {
      if (isSeq(path[path.length - 1])) node.flow = true;
    },
  });
  const vsan = doc.get('vsan', true);
  if (isMap(vsan)) vsan.flow = true;
  return doc.toString({ lineWidth: 0 });
}
