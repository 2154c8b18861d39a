import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file (source or dist/) with a lockfile. */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package-lock.json'))) {
    if (dirname(dir) === dir) throw new Error('no package-lock.json above the compose test');
    dir = dirname(dir);
  }
  return dir;
})();

/**
 * Everything the compose test keeps lives in ignored folders of the checkout: the engine's
 * images and volumes in .cache/docker (kept between runs, so a warm run reuses the base image
 * and build layers), its pid file, sockets and logs in .run/compose-test.
 */
export function composeTestPaths() {
  const run = join(ROOT, '.run', 'compose-test');
  const cache = join(ROOT, '.cache', 'docker');
  const paths = {
    run,
    logs: join(run, 'logs'),
    dataRoot: join(cache, 'data'),
    rootfs: join(cache, 'rootfs'),
    execRoot: join(run, 'exec'),
    pidFile: join(run, 'dockerd.pid'),
    socket: join(run, 'docker.sock'),
  };
  for (const dir of [paths.logs, paths.dataRoot, paths.rootfs, paths.execRoot]) {
    mkdirSync(dir, { recursive: true });
  }
  return paths;
}

export type ComposeTestPaths = ReturnType<typeof composeTestPaths>;
