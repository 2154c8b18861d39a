import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this file, so that the commands work the same
 * from tools/ (source) and from dist/tools/ (built), whatever the working directory.
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'libs', 'contracts', 'fixtures'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('cannot find libs/contracts above ' + import.meta.url);
    dir = parent;
  }
  return dir;
}

export const contractsDir = (): string => join(repoRoot(), 'libs', 'contracts');
