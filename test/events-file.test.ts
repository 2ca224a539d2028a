import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../src/errors.ts';
import { loadEvents, parseEvents } from '../src/events-file.ts';

/** The formatted problems of an event file that must be rejected. */
function problems(text: string, file = 'events.yaml'): string[] {
  try {
    parseEvents(text, file);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('the events were accepted');
}

describe('event files', () => {
  it('read a JSON array', () => {
    const json =
      '[{"type": "KMS_DOWN", "provider": "kms"}, {"type": "VCENTER_DOWN"}, {"type": "HOST_REBOOT", "host": "esx-02"}]';
    expect(parseEvents(json, 'events.json')).toEqual([
      { type: 'KMS_DOWN', provider: 'kms' },
      { type: 'VCENTER_DOWN' },
      { type: 'HOST_REBOOT', host: 'esx-02' },
    ]);
  });

  it('read a YAML list', () => {
    const yaml = '- { type: LINK_DOWN, host: esx-01 }\n- type: VM_UNLOCK\n  vm: db\n- type: VCENTER_UP\n';
    expect(parseEvents(yaml, 'events.yaml')).toEqual([
      { type: 'LINK_DOWN', host: 'esx-01' },
      { type: 'VM_UNLOCK', vm: 'db' },
      { type: 'VCENTER_UP' },
    ]);
  });

  it('accept an empty list', () => {
    expect(parseEvents('[]', 'events.json')).toEqual([]);
  });

  it('accept unknown ids: the model refuses them when it runs', () => {
    expect(parseEvents('- { type: HOST_REBOOT, host: nowhere }', 'e.yaml')).toEqual([
      { type: 'HOST_REBOOT', host: 'nowhere' },
    ]);
  });

  it('load from disk', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpm-')), 'events.json');
    writeFileSync(file, '[{"type": "TPM_REPLACE", "host": "h"}]');
    expect(loadEvents(file)).toEqual([{ type: 'TPM_REPLACE', host: 'h' }]);
  });

  it('reject an unknown type', () => {
    expect(problems('- { type: KMS_DOWN, provider: kms }\n- { type: KMS_CRASH, provider: kms }\n')).toEqual([
      'events.yaml:2: [1].type: unknown event type "KMS_CRASH"; the types are KMS_DOWN, KMS_UP, VCENTER_DOWN, VCENTER_UP, LINK_DOWN, LINK_UP, HOST_REBOOT, VM_POWER_ON, VM_POWER_OFF, VM_UNLOCK, KEY_PERSISTENCE_ENABLE, KEY_PERSISTENCE_DISABLE, ATTESTATION_FAIL, ATTESTATION_PASS, TPM_REPLACE',
    ]);
  });

  it('reject a missing type or target field', () => {
    expect(problems('- { host: h }\n- { type: HOST_REBOOT }\n- { type: VM_POWER_ON, vm: 7 }\n')).toEqual([
      'events.yaml:1: [0].type: missing (required)',
      'events.yaml:2: [1].host: missing: HOST_REBOOT needs a host id',
      'events.yaml:3: [2].vm: expected a vm id (a string), got the number 7',
    ]);
  });

  it('reject a field the type does not take', () => {
    const json =
      '[\n  {"type": "HOST_REBOOT", "host": "h", "vm": "db"},\n  {"type": "VCENTER_DOWN", "host": "h"}\n]';
    expect(problems(json, 'events.json')).toEqual([
      'events.json:2: [0].vm: unknown field "vm"; HOST_REBOOT takes only "type" and "host"',
      'events.json:3: [1].host: unknown field "host"; VCENTER_DOWN takes no field besides "type"',
    ]);
  });

  it('reject a file that is not a list of objects', () => {
    expect(problems('{"type": "VCENTER_DOWN"}', 'events.json')).toEqual([
      'events.json:1: expected a list of events (a JSON array or a YAML list), got an object',
    ]);
    expect(problems('- VCENTER_DOWN\n')).toEqual([
      'events.yaml:1: [0]: expected an event object with a "type", got the string "VCENTER_DOWN"',
    ]);
    expect(problems('')).toEqual(['events.yaml: the file is empty; write [] for no events']);
  });

  it('report YAML syntax errors and unreadable files', () => {
    expect(problems('- { type: VCENTER_DOWN\n- x\n')).toHaveLength(1);
    expect(() => loadEvents('/nonexistent/events.json')).toThrow(
      /^\/nonexistent\/events\.json: cannot read file: ENOENT/,
    );
  });
});
