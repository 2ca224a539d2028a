/** Writes examples/README.md from examples/manifest.json: `npm run examples:readme`. */
import { writeFileSync } from 'node:fs';
import { EXAMPLES_DIR, formattedExamplesReadme, readManifest } from './manifest.ts';

writeFileSync(`${EXAMPLES_DIR}README.md`, await formattedExamplesReadme(readManifest()));
