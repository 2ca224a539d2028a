/**
 * Topology files in, validated and defaulted Topology out (interface.md, "Topology file").
 * Shape first (schema.ts), then the rules (rules.ts); every problem is reported with its line.
 */
import type { z } from 'zod';
import { describeValue, InputError, type PathSegment, type Problem } from '../errors.ts';
import { MAX_TOPOLOGY_BYTES, parseSource, readSource, type Source } from '../yaml-source.ts';
import { checkRules } from './rules.ts';
import { topologySchema, type ParsedTopology } from './schema.ts';
import type { Topology } from './types.ts';

export function loadTopology(file: string): Topology {
  return parseTopology(readSource(file, { maxBytes: MAX_TOPOLOGY_BYTES, what: 'topology files' }), file);
}

/** `file` names the text in problems; it is not read. */
export function parseTopology(text: string, file: string): Topology {
  const source = parseSource(text, file);
  if (source.data === null) {
    fail([source.problem([], 'the file is empty; a topology needs at least name, release and hosts')]);
  }
  const parsed = topologySchema.safeParse(source.data, { error: plainMessage });
  // The rules assume the shape is right, so they only run on a file that passed the schema.
  if (!parsed.success) {
    fail([...source.problems, ...parsed.error.issues.flatMap((issue) => issueProblems(source, issue))]);
  }
  const topology = toTopology(parsed.data);
  const findings = checkRules(topology);
  if (source.problems.length > 0 || findings.length > 0) {
    fail([...source.problems, ...findings.map((f) => source.problem(f.path, f.message))]);
  }
  return topology;
}

/** In file order, so that a user can fix them from top to bottom. */
function fail(problems: Problem[]): never {
  const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new InputError(sorted);
}

function issueProblems(source: Source, issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.map((s): PathSegment => (typeof s === 'number' ? s : String(s)));
  if (issue.code === 'unrecognized_keys') {
    // One problem per key, on the key's own line; the schema's message lists the allowed keys.
    return issue.keys.map((key) => source.problem([...path, key], `unknown key "${key}"; ${issue.message}`));
  }
  return [source.problem(path, issue.message)];
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
