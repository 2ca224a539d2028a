/**
 * `kpm replay` streams: the same output as before, step by step, with memory flat in the length of
 * the trace; and long event files are read without the YAML parser, to the same events.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatTrace, jsonTrace, replaySteps, TraceLines } from '../src/cli/replay.ts';
import { loadEvents, parseEventsWithYaml, quickEvents } from '../src/events-file.ts';
import { loadTopology } from '../src/topology/load.ts';
import { replay } from '../src/world/observe.ts';
import { finished, KPM, TIMEOUT } from './helpers/kpm.ts';
import { spawn } from 'node:child_process';

const EXAMPLES = 'examples/';
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.events.yaml'))
  .map((f) => f.replace('.events.yaml', ''));

describe.each(examples)('the streamed replay of %s', (name) => {
  const topology = loadTopology(`${EXAMPLES}${name}.yaml`);
  const events = loadEvents(`${EXAMPLES}${name}.events.yaml`);

  test('--json gives the bytes of JSON.stringify(replay(), null, 2)', async () => {
    let text = '';
    await jsonTrace(topology.name, replaySteps(topology, events), (t) => {
      text += t;
    });
    expect(text).toBe(`${JSON.stringify(replay(topology, events), null, 2)}\n`);
  });

  test('the human trace gives the lines of formatTrace', () => {
    for (const full of [false, true]) {
      const trace = new TraceLines(topology.name, events, { full });
      const streamed = [...[...replaySteps(topology, events)].flatMap((s) => trace.step(s)), ...trace.end()];
      expect(streamed).toEqual(formatTrace(replay(topology, events), { full }));
    }
  });
});

describe('long event files', () => {
  const forms = {
    'one flow map a line':
      '- { type: LINK_DOWN, host: esx-01 } # a comment\n\n# another\n- { type: VCENTER_DOWN }\r\n',
    JSON: '[\n  {"type": "LINK_DOWN", "host": "esx-01"},\n  {"type": "VCENTER_DOWN"}\n]\n',
  };

  test.each(Object.entries(forms))(
    'in the form "%s" are read without the YAML parser, to the same events',
    (_, text) => {
      const quick = quickEvents(text);
      expect(quick).toEqual([{ type: 'LINK_DOWN', host: 'esx-01' }, { type: 'VCENTER_DOWN' }]);
      expect(quick).toEqual(parseEventsWithYaml(text, 'e.yaml'));
    },
  );

  test.each([
    ['a key twice in JSON', '[{"type": "VCENTER_DOWN", "type": "VCENTER_UP"}]'],
    ['a key twice in a line', '- { type: VCENTER_DOWN, type: VCENTER_UP }'],
    ['a number where YAML reads one', '- { type: LINK_DOWN, host: 01 }'],
    ['a boolean where YAML reads one', '- { type: LINK_DOWN, host: true }'],
    ['a field too many', '- { type: VCENTER_DOWN, host: h }'],
    ['an unknown type', '- { type: VCENTER_CRASH }'],
    ['an indented list', '  - { type: VCENTER_DOWN }'],
    ['a tab', '- {\ttype: VCENTER_DOWN }'],
    ['an alias', '- &a { type: VCENTER_DOWN }\n- *a'],
    ['a second document', '- { type: VCENTER_DOWN }\n---\n- { type: VCENTER_UP }'],
    ['a __proto__ key', '[{"type": "VCENTER_DOWN", "__proto__": "x"}]'],
  ])('with %s go through the YAML parser, which gives the problem its line', (_, text) => {
    expect(quickEvents(text)).toBeNull();
  });
});

describe('memory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpm-stream-'));
    const events = ['KMS_DOWN', 'HOST_REBOOT', 'KMS_UP', 'LINK_DOWN', 'VM_POWER_ON', 'LINK_UP'];
    const target = [
      'provider: kms',
      'host: esx-02',
      'provider: kms',
      'host: esx-01',
      'vm: app',
      'host: esx-01',
    ];
    const lines = Array.from({ length: 10_000 }, (_, i) => `- { type: ${events[i % 6]}, ${target[i % 6]} }`);
    writeFileSync(join(dir, 'long.events.yaml'), `${lines.join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(
    'stays flat with the length of the trace: 10,000 events in a 40 MB heap, as JSON and as text',
    async () => {
      // Holding the whole trace needed some 100 MB of heap here (1.5 GB at 100,000 events).
      const run = async (mode: string) => {
        const output = join(dir, `out${mode}`);
        const fd = openSync(output, 'w');
        const child = spawn(
          process.execPath,
          [
            '--max-old-space-size=40',
            KPM,
            'replay',
            'examples/edge-site.yaml',
            join(dir, 'long.events.yaml'),
            mode,
          ],
          { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
        );
        closeSync(fd);
        const result = await finished(child);
        return { ...result, stdout: readFileSync(output, 'utf8') };
      };
      const [json, text] = await Promise.all([run('--json'), run('--full')]);
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      expect(json.stdout.endsWith('\n  ]\n}\n')).toBe(true);
      expect(json.stdout.match(/\n {4}\{\n {6}"event": /g)).toHaveLength(10_001);
      expect(text.stderr).toBe('');
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(/\n10000 events: \d+ applied, \d+ refused\n$/);
    },
    TIMEOUT,
  );

  test('the events are read in the quick form', () => {
    const text = readFileSync(join(dir, 'long.events.yaml'), 'utf8');
    expect(quickEvents(text)).toHaveLength(10_000);
  });
});
