/**
 * Writes schema/topology.schema.json from topologyJsonSchema(). Run it after changing schema.ts:
 *   npx tsx src/topology/write-json-schema.ts
 * A test compares the committed file with the generated schema, so a stale file fails CI.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { topologyJsonSchema } from './json-schema.ts';

export const TOPOLOGY_SCHEMA_FILE = fileURLToPath(
  new URL('../../schema/topology.schema.json', import.meta.url),
);

// Formatted with the project's prettier settings so that `prettier --check .` passes on it.
const options = await resolveConfig(TOPOLOGY_SCHEMA_FILE);
const text = await format(JSON.stringify(topologyJsonSchema(), null, 2), { ...options, parser: 'json' });
writeFileSync(TOPOLOGY_SCHEMA_FILE, text);
console.log(`wrote ${TOPOLOGY_SCHEMA_FILE}`);
