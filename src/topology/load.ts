/**
 * Topology files in, validated and defaulted Topology out (interface.md, "Topology file").
 * Shape (schema.ts) and rules (rules.ts) together: every problem is reported with its line, in one
 * run. Where the shape is wrong, the rules run on the parts that are well formed.
 */
import type { z } from 'zod';
import { describeValue, InputError, type PathSegment, type Problem } from '../errors.ts';
import { MAX_TOPOLOGY_BYTES, parseSource, readSource, type Source } from '../yaml-source.ts';
import {
  checkPartialRules,
  checkRules,
  type Finding,
  type PartialList,
  type PartialTopology,
} from './rules.ts';
import { topologyParts, topologySchema, type ParsedTopology } from './schema.ts';
import type { Topology } from '../../models/topology.ts';

/** The problems of the shape, by name (besides the rules of rules.ts): the bad-input corpus shows each. */
export const TOPOLOGY_SCHEMA_RULES = [
  'empty-file',
  'unknown-key',
  'missing',
  'wrong-type',
  'wrong-value',
  'quote-the-number',
  'tpm-only-not-native',
  'provider-kind',
  'too-few',
  'id-format',
] as const;
type SchemaRule = (typeof TOPOLOGY_SCHEMA_RULES)[number];

export function loadTopology(file: string): Topology {
  return parseTopology(readSource(file, { maxBytes: MAX_TOPOLOGY_BYTES, what: 'topology files' }), file);
}

/** `file` names the text in problems; it is not read. */
export function parseTopology(text: string, file: string): Topology {
  const source = parseSource(text, file);
  if (source.data === null) {
    fail([
      {
        ...source.problem([], 'the file is empty; a topology needs at least name, release and hosts'),
        rule: 'empty-file',
      },
    ]);
  }
  const parsed = topologySchema.safeParse(source.data, { error: plainMessage, reportInput: true });
  if (!parsed.success) {
    // The rules on whatever is well formed, so that one run shows every problem.
    const findings = checkPartialRules(partialTopology(source.data));
    fail([
      ...source.problems,
      ...parsed.error.issues.flatMap((issue) => issueProblems(source, issue)),
      ...findings.map((f) => findingProblem(source, f)),
    ]);
  }
  const topology = toTopology(parsed.data);
  const findings = checkRules(topology);
  if (source.problems.length > 0 || findings.length > 0) {
    fail([...source.problems, ...findings.map((f) => findingProblem(source, f))]);
  }
  return topology;
}

function findingProblem(source: Source, f: Finding): Problem {
  return { ...source.problem(f.path, f.message), rule: f.rule };
}

/** In file order, so that a user can fix them from top to bottom (stable: same line, same order). */
function fail(problems: Problem[]): never {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new InputError(sorted);
}

/**
 * What the rules can check of a file the schema rejects: each field on its own, with its default
 * when absent, undefined when wrong (the schema reports it). A list that is not a list, or with an
 * item whose id is wrong, is incomplete: no id can then be called unknown.
 */
function partialTopology(data: unknown): PartialTopology {
  const root = isRecord(data) ? data : {};
  const field = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  const list = <T>(
    value: unknown,
    item: (raw: Record<string, unknown>) => T & { id?: string },
    fallback: unknown,
  ) => {
    const raw = value === undefined ? fallback : value;
    if (!Array.isArray(raw)) return { items: [], complete: false } satisfies PartialList<T>;
    const items = raw.flatMap((entry, index) => (isRecord(entry) ? [{ ...item(entry), index }] : []));
    return { items, complete: items.length === raw.length && items.every((i) => i.id !== undefined) };
  };
  const { host, vm, vsan } = topologyParts;
  const release = field(topologyParts.release, root.release);
  return {
    release,
    providers: list(
      root.providers,
      (p) => ({ id: field(topologyParts.providerId, p.id), kind: field(topologyParts.providerKind, p.kind) }),
      [],
    ),
    hosts: list(
      root.hosts,
      (h) => ({
        id: field(host.id, h.id),
        // The host's own release, or the site's when it gives none.
        release: h.release === undefined ? release : field(host.release.unwrap(), h.release),
        tpm: field(host.tpm, h.tpm),
        keyPersistence: field(host.keyPersistence, h.keyPersistence),
      }),
      undefined,
    ),
    vms: list(
      root.vms,
      (v) => ({
        id: field(vm.id, v.id),
        host: field(vm.host, v.host),
        encryptedBy: field(vm.encryptedBy, v.encryptedBy),
        vtpm: field(vm.vtpm, v.vtpm),
      }),
      [],
    ),
    vsan:
      root.vsan === undefined || root.vsan === null
        ? null
        : isRecord(root.vsan)
          ? { encryptedBy: field(vsan.encryptedBy, root.vsan.encryptedBy) }
          : undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issueProblems(source: Source, issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.map((s): PathSegment => (typeof s === 'number' ? s : String(s)));
  if (issue.code === 'unrecognized_keys') {
    // One problem per key, on the key's own line; the schema's message lists the allowed keys.
    return issue.keys.map((key) => ({
      ...source.problem([...path, key], `unknown key ${JSON.stringify(key)}; ${issue.message}`),
      rule: 'unknown-key',
    }));
  }
  return [{ ...source.problem(path, issue.message), rule: schemaRule(issue) }];
}

/** Which problem of the shape an issue is (for the corpus; the message is what the user reads). */
function schemaRule(issue: z.core.$ZodIssue): SchemaRule {
  if (issue.code === 'invalid_union') return 'provider-kind';
  if (issue.input === undefined) return 'missing';
  if (issue.code === 'invalid_type') return issue.expected === 'never' ? 'tpm-only-not-native' : 'wrong-type';
  if (issue.code === 'invalid_value')
    return typeof issue.input === 'number' ? 'quote-the-number' : 'wrong-value';
  if (issue.code === 'too_small') return 'too-few';
  if (issue.code === 'invalid_format') return 'id-format';
  return 'wrong-value';
}

/** Messages for the issues the schema leaves to the default; zod's own wording is for developers. */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return 'missing (required)';
  }
  if (issue.code === 'invalid_type') {
    const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
    return `expected ${expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => JSON.stringify(v));
    const expected = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
    return `expected ${expected}, got ${describeValue(issue.input)}`;
  }
  return undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  array: 'a list',
  object: 'an object (key: value pairs)',
};

/** The Topology of types.ts: each host gets its own release, or the site's. */
function toTopology(parsed: ParsedTopology): Topology {
  return {
    name: parsed.name,
    release: parsed.release,
    options: { ...parsed.options },
    providers: parsed.providers.map((p) => ({
      id: p.id,
      kind: p.kind,
      // DOC-06 concerns native providers only; the others carry the default, which nothing reads.
      tpmOnly: p.kind === 'native' ? p.tpmOnly : true,
    })),
    hosts: parsed.hosts.map((h) => ({
      id: h.id,
      release: h.release ?? parsed.release,
      tpm: h.tpm,
      keyPersistence: h.keyPersistence,
    })),
    vms: parsed.vms.map((vm) => ({
      id: vm.id,
      host: vm.host,
      encryptedBy: vm.encryptedBy,
      vtpm: vm.vtpm,
      running: vm.running,
    })),
    vsan: parsed.vsan ? { encryptedBy: parsed.vsan.encryptedBy } : null,
  };
}
