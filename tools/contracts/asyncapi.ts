/**
 * `npm run contracts:asyncapi`: writes docs/asyncapi.yaml from libs/contracts. The unit test
 * libs/contracts/src/asyncapi.spec.ts fails while the checked-in file says something else.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { asyncApiDocument } from '@app/contracts';
import { stringify } from 'yaml';

import { prettierFormatted } from './prettier-formatted.js';
import { repoRoot } from './repo-paths.js';

const HEADER = '# Generated from libs/contracts by `npm run contracts:asyncapi`: do not edit.\n';
const target = join(repoRoot(), 'docs', 'asyncapi.yaml');
// No anchors or aliases: every tool reads plain YAML, not every tool follows aliases.
const yaml = stringify(asyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0 });
writeFileSync(target, await prettierFormatted(HEADER + yaml, target));
console.log('wrote docs/asyncapi.yaml');
