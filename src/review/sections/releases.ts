/**
 * Section 4: the release matrix. The documented scenarios, each a small site built here, with the
 * site and every host set to each release of the matrix, run through the model: which workloads
 * (running VMs, mounted vSAN disk groups) a sequence of the scenario's events can leave down, and
 * the shortest such sequence. A site that uses a feature below its floor (DOC-08) is not run: its
 * cell gives the topology rules' reason. Key persistence is set where the scenario wants it and
 * the release and TPM allow it (DOC-01); below that, the host runs without it, and the cell says so.
 */
import { persistenceSupported } from '../../../models/definitions.ts';
import type { EventType } from '../../../models/events.ts';
import { DEFAULT_OPTIONS, type Provider, type Topology, type Vm } from '../../../models/topology.ts';
import { FLOORS, type Release, type Tpm } from '../../../models/vocabulary.ts';
import { OUTAGE_EVENTS } from '../../catalogue/alphabets.ts';
import { checkRules } from '../../topology/rules.ts';
import type { ReviewContext } from '../context.ts';
import {
  code,
  codeList,
  details,
  heading,
  list,
  paragraph,
  strong,
  table,
  type Block,
  type Section,
  type Span,
  type Text,
} from '../document.ts';
import { shortestLosses, type Loss } from '../losses.ts';
import { eventsLine } from '../timeline.ts';

/** The releases of the matrix (the issue's columns). */
export const MATRIX_RELEASES: readonly Release[] = ['6.7', '7.0U1', '7.0U2', '7.0U3', '8.0'];

interface ScenarioHost {
  id: string;
  tpm: Tpm;
  /** The scenario wants key persistence here, where the release allows it. */
  persistence: boolean;
}

export interface ReleaseScenario {
  id: string;
  title: string;
  /** The rules it shows. */
  rules: string[];
  story: string;
  /** The events a sequence may use. */
  alphabet: EventType[];
  providers: Provider[];
  hosts: ScenarioHost[];
  vms: Vm[];
  vsan: { encryptedBy: string } | null;
}

const kms: Provider = { id: 'kms', kind: 'standard', tpmOnly: true };
const vm = (id: string, host: string, encryptedBy: string, vtpm = false): Vm => ({
  id,
  host,
  encryptedBy,
  vtpm,
  running: true,
});
const OUTAGES: EventType[] = [...OUTAGE_EVENTS];

/** The edge site's two hosts and VMs (examples/edge-site.yaml, without its native provider). */
const EDGE_PAIR = {
  providers: [kms],
  hosts: [
    { id: 'esx-01', tpm: '2.0', persistence: true },
    { id: 'esx-02', tpm: '2.0', persistence: false },
  ],
  vms: [vm('db', 'esx-01', 'kms'), vm('app', 'esx-02', 'kms')],
  vsan: null,
} satisfies Pick<ReleaseScenario, 'providers' | 'hosts' | 'vms' | 'vsan'>;

export const RELEASE_SCENARIOS: readonly ReleaseScenario[] = [
  {
    id: 'kp-10-edge-outage',
    title: 'The KP-10 edge outage',
    rules: ['KP-10', 'KP-09', 'KP-11', 'KP-02'],
    story:
      'An edge site whose KMS is remote, behind a WAN link. esx-01 has a TPM 2.0 and key persistence, esx-02 a TPM 2.0 and no persistence; each runs a KMS-encrypted VM. The WAN link of each host fails and comes back, hosts reboot.',
    alphabet: ['LINK_DOWN', 'LINK_UP', 'HOST_REBOOT'],
    ...EDGE_PAIR,
  },
  {
    id: 'vcenter-outage-reboot',
    title: 'A vCenter outage with a reboot',
    rules: ['KP-04', 'KP-09', 'KP-11'],
    story:
      'The same two hosts and VMs, the KMS on site: vCenter goes down and comes back, hosts reboot. A standard provider’s keys come through vCenter (KP-04).',
    alphabet: ['VCENTER_DOWN', 'VCENTER_UP', 'HOST_REBOOT'],
    ...EDGE_PAIR,
  },
  {
    id: 'vsan-through-outage',
    title: 'A vSAN cluster through an outage',
    rules: ['KP-03', 'DOC-05', 'KP-11'],
    story:
      'Two hosts with a TPM 2.0 and key persistence, a vSAN cluster encrypted by the KMS, a KMS-encrypted VM on esx-01. Any outage (KMS, vCenter, a host’s link), hosts reboot.',
    alphabet: [...OUTAGES, 'HOST_REBOOT'],
    providers: [kms],
    hosts: [
      { id: 'esx-01', tpm: '2.0', persistence: true },
      { id: 'esx-02', tpm: '2.0', persistence: true },
    ],
    vms: [vm('db', 'esx-01', 'kms')],
    vsan: { encryptedBy: 'kms' },
  },
  {
    id: 'native-provider-site',
    title: 'A native-provider site',
    rules: ['KP-13', 'KP-14', 'KP-15', 'DOC-08'],
    story:
      'A Native Key Provider (tpmOnly) and two hosts with a TPM 2.0, no key persistence (KP-15: redundant there); a vTPM VM on esx-01, an encrypted VM on esx-02, the vSAN encrypted by the native provider. Any outage, hosts reboot.',
    alphabet: [...OUTAGES, 'HOST_REBOOT'],
    providers: [{ id: 'nkp', kind: 'native', tpmOnly: true }],
    hosts: [
      { id: 'esx-01', tpm: '2.0', persistence: false },
      { id: 'esx-02', tpm: '2.0', persistence: false },
    ],
    vms: [vm('dc', 'esx-01', 'nkp', true), vm('dc2', 'esx-02', 'nkp')],
    vsan: { encryptedBy: 'nkp' },
  },
  {
    id: 'trust-authority-site',
    title: 'A Trust Authority site',
    rules: ['KP-05', 'KP-11', 'DOC-07', 'DOC-08'],
    story:
      'vSphere Trust Authority and two hosts with a TPM 2.0: esx-01 with key persistence, esx-02 without; a trusted-provider vTPM VM on each. Any outage (Trust Authority, vCenter, a host’s link), hosts reboot.',
    alphabet: [...OUTAGES, 'HOST_REBOOT'],
    providers: [{ id: 'vta', kind: 'trusted', tpmOnly: true }],
    hosts: [
      { id: 'esx-01', tpm: '2.0', persistence: true },
      { id: 'esx-02', tpm: '2.0', persistence: false },
    ],
    vms: [vm('vault', 'esx-01', 'vta', true), vm('ledger', 'esx-02', 'vta')],
    vsan: null,
  },
];

export type Cell =
  | { kind: 'rejected'; release: Release; problems: string[] }
  | {
      kind: 'run';
      release: Release;
      topology: Topology;
      losses: Loss[];
      notRunning: string[];
      /** Hosts where the scenario wants persistence and the release does not have it. */
      withoutPersistence: string[];
      states: number;
      complete: boolean;
      command: string | null;
    };

export interface ReleaseRow {
  scenario: ReleaseScenario;
  cells: Cell[];
}

/** The scenario's site on one release: the site and every host at it. */
export function scenarioSite(
  s: ReleaseScenario,
  release: Release,
): { topology: Topology; withoutPersistence: string[] } {
  const hosts = s.hosts.map((h) => ({
    id: h.id,
    release,
    tpm: h.tpm,
    keyPersistence: h.persistence && persistenceSupported({ release, tpm: h.tpm }),
  }));
  return {
    topology: {
      name: `${s.id}-${release}`,
      release,
      options: { ...DEFAULT_OPTIONS },
      providers: s.providers.map((p) => ({ ...p })),
      hosts,
      vms: s.vms.map((v) => ({ ...v })),
      vsan: s.vsan ? { ...s.vsan } : null,
    },
    withoutPersistence: s.hosts.filter((h, i) => h.persistence && !hosts[i].keyPersistence).map((h) => h.id),
  };
}

export function releasesData(ctx: Pick<ReviewContext, 'replays'>): ReleaseRow[] {
  return RELEASE_SCENARIOS.map((scenario) => ({
    scenario,
    cells: MATRIX_RELEASES.map((release): Cell => {
      const { topology, withoutPersistence } = scenarioSite(scenario, release);
      const findings = checkRules(topology);
      if (findings.length > 0)
        return { kind: 'rejected', release, problems: [...new Set(findings.map((f) => f.message))] };
      const report = shortestLosses(topology, new Set(scenario.alphabet));
      const first = report.losses
        .filter((l) => l.trace !== null)
        .sort((a, b) => (a.trace as []).length - (b.trace as []).length)[0];
      return {
        kind: 'run',
        release,
        topology,
        losses: report.losses,
        notRunning: report.notRunning,
        withoutPersistence,
        states: report.states,
        complete: report.complete,
        command: first
          ? ctx.replays.command(topology, first.trace ?? [], `${topology.name}-${workloadName(first)}`)
          : null,
      };
    }),
  }));
}

export const workloadName = (l: Loss) =>
  l.workload.kind === 'vm' ? l.workload.id : `disk group ${l.workload.id}`;

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** The cell of the matrix: what is lost and after how many steps. */
export function cellWords(cell: Cell, full = false): string {
  if (cell.kind === 'rejected') {
    const more = cell.problems.length - 1;
    return full || more === 0
      ? `not possible: ${cell.problems.join('; ')}`
      : `not possible: ${cell.problems[0]} (and ${more} more)`;
  }
  const lost = cell.losses.filter((l) => l.trace !== null);
  const words =
    lost.length === 0
      ? 'nothing lost'
      : `lost: ${lost.map((l) => `${workloadName(l)} after ${steps((l.trace as []).length)}`).join(', ')}`;
  const notes = [
    ...(cell.withoutPersistence.length > 0
      ? [
          `No key persistence on ${cell.withoutPersistence.join(', ')}: it needs ${FLOORS.keyPersistence} (DOC-01).`,
        ]
      : []),
    ...(cell.notRunning.length > 0 ? [`Never runs: ${cell.notRunning.join(', ')}.`] : []),
    ...(cell.complete ? [] : ['Exploration bounded.']),
  ];
  return [`${words}.`, ...notes].join(' ');
}

export function releasesSection(rows: readonly ReleaseRow[]): Section {
  const blocks: Block[] = [
    paragraph(
      'The documented scenarios on each release, computed from the model: each scenario is a small site, with the site and every host set to the release; the model explores every sequence of the scenario’s events from the steady initial state and reports each workload (a running VM, a mounted vSAN disk group) that some sequence leaves down, with the length of the shortest one. Where the site needs a feature below its release floor (DOC-08), the cell says so instead.',
    ),
    table(
      ['scenario', ...MATRIX_RELEASES],
      rows.map((r) => [[strong(r.scenario.title)], ...r.cells.map((c): Text => cellWords(c))]),
    ),
  ];
  for (const r of rows) {
    const s = r.scenario;
    blocks.push(
      heading(3, s.title, `release-${s.id}`),
      paragraph(s.story, ' Rules: ', s.rules.join(', '), '.'),
      paragraph('Events: ', ...codeList(s.alphabet), '.'),
      details(`Every release of ${s.title}: the shortest sequences`, [
        list(
          r.cells.map((c): Text => {
            const head: Span[] = [strong(c.release), ': '];
            if (c.kind === 'rejected') return [...head, cellWords(c, true)];
            const lost = c.losses.filter((l) => l.trace !== null);
            return [
              ...head,
              `${c.states} states explored; `,
              lost.length === 0 ? 'nothing lost' : 'lost: ',
              ...lost.flatMap(
                (l, i) =>
                  [
                    ...(i === 0 ? [] : ['; ']),
                    `${workloadName(l)} by `,
                    code(eventsLine(l.trace ?? [])),
                  ] as Span[],
              ),
              ...(c.command === null ? [] : ['. Replay: ', code(c.command)]),
              '.',
            ];
          }),
        ),
      ]),
    );
  }
  return { id: 'releases', title: 'The release matrix', blocks };
}
