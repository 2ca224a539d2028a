/**
 * The JSON Schema of topology files, for editors (e.g. a `# yaml-language-server: $schema=...`
 * line). Generated from the zod schema the loader uses, so the two cannot disagree.
 */
import { z } from 'zod';
import { topologySchema } from './schema.ts';

/** A URN: the project has no published URL, and editors resolve the schema by path anyway. */
export const TOPOLOGY_SCHEMA_ID = 'urn:kpm:schema:topology';

export function topologyJsonSchema(): object {
  // io 'input': fields with a default are optional to write, which is what an editor should check.
  const generated = z.toJSONSchema(topologySchema, { io: 'input' });
  const { $schema, ...rest } = generated;
  return { $schema, $id: TOPOLOGY_SCHEMA_ID, title: 'kpm topology', ...rest };
}
