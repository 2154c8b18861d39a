import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'kafka-event-log-orders';

/** The repository root, found from this file whether it runs from source or from dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === PACKAGE_NAME) return dir;
    }
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} root above this file`);
    dir = parent;
  }
}

/** Git-ignored folder for the Kafka jars (kept across runs so a second start needs no network). */
export const cacheDir = (): string => join(projectRoot(), '.cache');

/** Git-ignored folder for pid files and logs of one launcher profile. */
export const runDir = (profile: string): string => join(projectRoot(), '.run', profile);
