/**
 * Reading a file before any schema: encodings, sizes, odd paths, and the YAML that a parser gets
 * wrong or that attacks it. Every case ends as bad input with its line, never as another error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../src/errors.ts';
import { parseEvents } from '../src/events-file.ts';
import { deepestLine, parseSource, readSource } from '../src/yaml-source.ts';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('the input was accepted');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpm-source-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileWith = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('encodings', () => {
  it('accepts a UTF-8 byte-order mark before a YAML list, as before a map or JSON', () => {
    const list = fileWith('bom-list.yaml', '\uFEFF- { type: VCENTER_DOWN }\n- { type: VCENTER_UP }\n');
    expect(parseEvents(readSource(list), list)).toEqual([{ type: 'VCENTER_DOWN' }, { type: 'VCENTER_UP' }]);
    expect(parseEvents('\uFEFF- { type: VCENTER_DOWN }\n', 'e.yaml')).toEqual([{ type: 'VCENTER_DOWN' }]);
    const json = fileWith('bom.json', '\uFEFF[{"type": "VCENTER_DOWN"}]');
    expect(parseEvents(readSource(json), json)).toEqual([{ type: 'VCENTER_DOWN' }]);
  });

  it('reads CRLF line ends with the same lines', () => {
    const text = '- { type: VCENTER_DOWN }\r\n- { type: LINK_DOWN }\r\n';
    expect(problemsOf(() => parseEvents(text, 'e.yaml'))).toEqual([
      'e.yaml:2: [1].host: missing: LINK_DOWN needs a host id',
    ]);
  });

  it('rejects bytes that are not UTF-8 on their line, instead of replacing them', () => {
    const latin1 = Buffer.concat([
      Buffer.from('name: edge\nrelease: "8.0"\n# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\nhosts: [{ id: h }]\n'),
    ]);
    const file = fileWith('latin1.yaml', latin1);
    expect(problemsOf(() => readSource(file))).toEqual([
      `${file}:3: not UTF-8: the byte 0xE9 is not text in UTF-8; save the file as UTF-8`,
    ]);
  });

  it('lists the first ten lines with bad bytes, then how many more', () => {
    const bad = Buffer.concat(Array.from({ length: 12 }, () => Buffer.from([0x61, 0xff, 0x0a])));
    const problems = problemsOf(() => readSource(fileWith('many.yaml', bad)));
    expect(problems).toHaveLength(11);
    expect(problems[9]).toMatch(/many\.yaml:10: not UTF-8: the byte 0xFF/);
    expect(problems[10]).toMatch(/many\.yaml: and 2 more lines with bytes that are not UTF-8$/);
  });

  it('rejects overlong forms and surrogates, which a lenient decoder lets through', () => {
    for (const bytes of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const file = fileWith('odd.yaml', Buffer.from([0x61, 0x0a, ...bytes]));
      expect(problemsOf(() => readSource(file))).toEqual([
        expect.stringMatching(/odd\.yaml:2: not UTF-8: the byte 0x/),
      ]);
    }
  });

  it('says when a file is UTF-16', () => {
    const file = fileWith('utf16.yaml', Buffer.from('\uFEFFname: t\n', 'utf16le'));
    expect(problemsOf(() => readSource(file))).toEqual([
      `${file}:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`,
    ]);
  });
});

describe('odd paths and sizes', () => {
  it('says a folder is a folder', () => {
    expect(problemsOf(() => readSource(dir))).toEqual([
      `${dir}: cannot read file: it is a folder; give the path of a file in it`,
    ]);
  });

  it('names the reason a file cannot be read', () => {
    expect(problemsOf(() => readSource(join(dir, 'missing.yaml')))).toEqual([
      `${join(dir, 'missing.yaml')}: cannot read file: ENOENT (no such file or directory)`,
    ]);
    const notDir = fileWith('plain', 'x');
    expect(problemsOf(() => readSource(join(notDir, 'site.yaml')))).toEqual([
      `${join(notDir, 'site.yaml')}: cannot read file: ENOTDIR (a part of the path is not a folder)`,
    ]);
    expect(problemsOf(() => readSource(''))).toEqual([': cannot read file: the file name is empty']);
  });

  it('refuses a file over the limit before reading it', () => {
    const file = fileWith('big.yaml', 'x'.repeat(3 << 20));
    expect(problemsOf(() => readSource(file, { maxBytes: 1 << 20, what: 'topology files' }))).toEqual([
      `${file}: the file is 3.0 MB; kpm reads topology files of at most 1.0 MB`,
    ]);
  });

  it('stops reading an endless device at the limit', () => {
    expect(problemsOf(() => readSource('/dev/zero', { maxBytes: 1 << 20, what: 'events files' }))).toEqual([
      '/dev/zero: the file is larger than 1.0 MB; kpm reads events files of at most 1.0 MB',
    ]);
  });

  it('reads a FIFO that nobody writes to as empty, instead of waiting forever', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readSource(fifo)).toBe('');
    expect(problemsOf(() => parseEvents(readSource(fifo), fifo))).toEqual([
      `${fifo}: the file is empty; write [] for no events`,
    ]);
  });
});

describe('YAML that breaks parsers', () => {
  it('says how deep a deeply nested file is, in words, for flow and block nesting', () => {
    const message =
      'nested more than 100 levels deep (lists and maps inside each other); a kpm file needs a few';
    expect(problemsOf(() => parseSource('a: ' + '['.repeat(100_000), 'f.yaml'))).toEqual([
      `f.yaml:1: ${message}`,
    ]);
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(problemsOf(() => parseSource(block, 'f.yaml'))).toEqual([`f.yaml:101: ${message}`]);
    expect(problemsOf(() => parseSource('- '.repeat(5000) + 'x', 'f.yaml'))).toEqual([
      `f.yaml:1: ${message}`,
    ]);
    const json = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(problemsOf(() => parseSource(json, 'f.json'))).toEqual([`f.json:1: ${message}`]);
  });

  it('never underestimates the nesting, and does not flag ordinary files', () => {
    expect(deepestLine('a: "[[[[[[[[[[["\nb: 1\n', 5)).toBe(1);
    expect(deepestLine('name: edge\nhosts:\n  - { id: h, tpm: "2.0" }\n', 10)).toBeNull();
    expect(deepestLine('a: ]]]]]]\nb: [[[[[[\n', 5)).toBe(2);
  });

  it('reports an alias without an anchor on its line', () => {
    expect(problemsOf(() => parseSource('name: t\nhosts:\n  - *h\n', 'f.yaml'))).toEqual([
      'f.yaml:3: hosts[0]: the alias *h has no anchor &h before it',
    ]);
  });

  it('stops an alias bomb at the alias that blows the budget', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
    ].join('\n');
    expect(problemsOf(() => parseSource(bomb, 'f.yaml'))).toEqual([
      'f.yaml:4: d[2]: the aliases of this file expand to more than 10000 values (an alias bomb?); write the values out',
    ]);
  });

  it('reports an alias inside its own anchor', () => {
    expect(problemsOf(() => parseSource('a: &x [1, *x]\n', 'f.yaml'))).toEqual([
      'f.yaml:1: a[1]: the alias *x is inside its own anchor &x (a loop)',
    ]);
  });

  it('accepts ordinary aliases', () => {
    expect(parseSource('a: &x { id: h }\nb: *x\n', 'f.yaml').data).toEqual({
      a: { id: 'h' },
      b: { id: 'h' },
    });
  });

  it('says a second document is one, without naming a library function', () => {
    expect(problemsOf(() => parseSource('name: a\n---\nname: b\n', 'f.yaml'))).toEqual([
      'f.yaml:2: a second YAML document starts here; a kpm file holds one document (remove the ---)',
    ]);
  });

  it('names a duplicate key and the line of the first one', () => {
    expect(parseSource('a: 1\nb: 2\na: 3\n', 'f.yaml').problems.map(formatProblem)).toEqual([
      'f.yaml:3: a: duplicate key "a" (first on line 1); a key may appear once',
    ]);
  });

  it('keeps __proto__ as a plain key', () => {
    const data = parseSource('__proto__: { polluted: true }\n', 'f.yaml').data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a key that is a list, and an unknown tag', () => {
    expect(problemsOf(() => parseSource('? [a]\n: 1\n', 'f.yaml'))).toEqual([
      'f.yaml:1: a key must be a plain word, not a list',
    ]);
    expect(problemsOf(() => parseSource('a: !vault x\n', 'f.yaml'))).toEqual([
      'f.yaml:1: unknown tag: !vault; kpm files use plain values',
    ]);
  });
});

describe('a folder as an events file through the loader', () => {
  it('is bad input with the folder named', () => {
    const sub = join(dir, 'events.d');
    mkdirSync(sub);
    expect(problemsOf(() => readSource(sub))).toEqual([
      `${sub}: cannot read file: it is a folder; give the path of a file in it`,
    ]);
  });
});
