import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { ContractFiles } from './compatibility.js';

/**
 * Reads libs/contracts/published and libs/contracts/fixtures into the shape the pure checks
 * take. The only file-system code of the checks, shared by the unit test and the commands.
 */
export function readContractFiles(contractsDir: string): ContractFiles {
  const files = new Map<string, string>();
  for (const folder of ['published', 'fixtures']) {
    const root = join(contractsDir, folder);
    const entries = statSync(root, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(root, { recursive: true, encoding: 'utf8' })
      : [];
    for (const entry of entries.sort()) {
      const path = join(root, entry);
      if (statSync(path).isFile()) {
        files.set(`${folder}/${entry.split(sep).join('/')}`, readFileSync(path, 'utf8'));
      }
    }
  }
  return files;
}
