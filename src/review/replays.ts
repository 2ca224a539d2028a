/**
 * The files that make every trace of the report replayable: each topology the report runs (the
 * site, its variants with an option flipped or a setting changed, the release scenarios) and each
 * trace, written under `replay/` beside the report, so that a `kpm replay` command of the report
 * works from the report's folder, wherever it was written. Names depend on the content only.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
// The files the property suites print for a failure: the same formats, one writer.
import { eventsJson } from '../events-file.ts';
import { topologyYaml } from '../topology/write.ts';

export const REPLAY_DIR = 'replay';

export class ReplayFiles {
  private readonly files = new Map<string, string>();
  private readonly topologies = new Map<string, string>();
  private readonly lowercase = new Map<string, string>();

  /** The command that replays `events` on `topology`, from the report's folder; writes both files. */
  command(topology: Topology, events: readonly KpmEvent[], name: string): string {
    const site = this.topologyFile(topology);
    const file = this.unique(`${REPLAY_DIR}/${slug(name)}.events.json`, `${eventsJson(events)}\n`);
    return `npx kpm replay ${site} ${file}`;
  }

  /** The file of a topology: one per distinct topology, named after it. */
  topologyFile(topology: Topology): string {
    const text = topologyYaml(topology);
    const known = this.topologies.get(text);
    if (known !== undefined) return known;
    const file = this.unique(`${REPLAY_DIR}/${slug(topology.name)}.yaml`, text);
    this.topologies.set(text, file);
    return file;
  }

  /** Every file, by path relative to the report's folder, sorted. */
  all(): [string, string][] {
    return [...this.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The path, or a numbered variant of it when another text has it (whatever the case: some file systems ignore it). */
  private unique(path: string, text: string): string {
    let candidate = path;
    for (let n = 2; ; n++) {
      const taken = this.lowercase.get(candidate.toLowerCase());
      if (taken !== undefined && this.files.get(taken) === text) return taken;
      if (taken === undefined) break;
      candidate = path.replace(/(\.[a-z]+(?:\.[a-z]+)?)$/, `-${n}$1`);
    }
    this.files.set(candidate, text);
    this.lowercase.set(candidate.toLowerCase(), candidate);
    return candidate;
  }
}

/** A file name from free text, safe and bounded: `edge-site AV-02 app` → `edge-site-AV-02-app`. */
export function slug(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._+-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 100) || 'site'
  );
}
