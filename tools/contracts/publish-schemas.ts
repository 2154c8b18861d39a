/**
 * `npm run contracts:publish`: writes libs/contracts/published/<EventType>/v<N>.schema.json for
 * every catalogued version that has none yet. A published file is never rewritten, and nothing
 * is written when the result would break a rule of compatibilityProblems (exit code 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { compatibilityProblems, publishableSchemas, readContractFiles } from '@app/contracts';

import { prettierFormatted } from './prettier-formatted.js';
import { contractsDir } from './repo-paths.js';

const dir = contractsDir();
const existing = readContractFiles(dir);
const fresh = [...publishableSchemas()].filter(([path]) => !existing.has(path));
const problems = compatibilityProblems(new Map([...existing, ...fresh]));

if (problems.length > 0) {
  console.error(`contracts:publish refused, nothing written:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
for (const [path, text] of fresh) {
  const target = join(dir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, await prettierFormatted(text, target));
  console.log(`published libs/contracts/${path}`);
}
if (fresh.length === 0) console.log('contracts:publish: every version is already published');
