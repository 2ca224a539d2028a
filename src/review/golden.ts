/**
 * The golden scenarios (test/golden/*.yaml) as the traceability matrix sees them: which rules each
 * one shows. A golden file names its main rule in its file name (`kp-07-reboot-empties-cache.yaml`)
 * and every rule it checks in its `rules` list. Read when the report is made, so the matrix follows
 * the tests as they are. Where the tests are not at hand (an installed package without them), there
 * are none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const GOLDEN_DIR = fileURLToPath(new URL('../../test/golden/', import.meta.url));

export interface GoldenScenario {
  /** `test/golden/kp-07-reboot-empties-cache.yaml`. */
  file: string;
  title: string;
  /** The rule of its file name, then the others of its `rules` list, each once. */
  rules: string[];
}

export function readGoldenScenarios(dir: string = GOLDEN_DIR): GoldenScenario[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const data = parse(readFileSync(`${dir}${name}`, 'utf8')) as { title?: unknown; rules?: unknown };
      const named = /^((?:kp|doc|asm)-\d\d)-/.exec(name)?.[1].toUpperCase();
      const listed = Array.isArray(data.rules) ? data.rules.map(String) : [];
      return {
        file: `test/golden/${name}`,
        title: typeof data.title === 'string' ? data.title : name,
        rules: [...new Set([...(named ? [named] : []), ...listed])],
      };
    });
}
