import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { runCommand } from './run-command.js';

/** The tag every stand-in image builds FROM; made once, then reused from the engine's store. */
export const BASE_IMAGE = 'kafka-event-log-orders/debian-base:trixie';

const HOST_CAS = '/usr/local/share/ca-certificates';
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

interface BaseImageOptions {
  env: NodeJS.ProcessEnv;
  rootfsDir: string;
  logFile: string;
}

/**
 * A Debian trixie image without a registry: debootstrap from the machine's own Debian mirror,
 * this machine's extra certificate authorities trusted (HTTPS from inside builds goes through
 * them), then `docker import`. Returns true when it had to make it.
 */
export async function ensureBaseImage({
  env,
  rootfsDir,
  logFile,
}: BaseImageOptions): Promise<boolean> {
  const present = await runCommand('docker', ['image', 'inspect', BASE_IMAGE], {
    env,
    logFile,
    allowFailure: true,
  });
  if (present.code === 0) return false;

  const rootfs = join(rootfsDir, `trixie-${process.pid}`);
  rmSync(rootfs, { recursive: true, force: true });
  try {
    await runCommand(
      'debootstrap',
      ['--variant=minbase', '--include=ca-certificates', 'trixie', rootfs, debianMirror()],
      { logFile },
    );
    const cas = existsSync(HOST_CAS) ? readdirSync(HOST_CAS).filter((f) => f.endsWith('.crt')) : [];
    for (const ca of cas) copyFileSync(join(HOST_CAS, ca), join(rootfs, HOST_CAS, ca));
    await runCommand('chroot', [rootfs, 'update-ca-certificates'], { logFile });
    // Package lists are stale by the time an image builds FROM this; each build updates them.
    rmSync(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    await runCommand(
      'sh',
      [
        '-c',
        `tar -C "$0" -c . | docker import -c "$1" -c 'CMD ["/bin/bash"]' - "$2"`,
        rootfs,
        'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        BASE_IMAGE,
      ],
      { env, logFile },
    );
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return true;
}

/** The first `URIs:` of the machine's Debian sources (its mirror), else deb.debian.org. */
function debianMirror(): string {
  const sources = '/etc/apt/sources.list.d/debian.sources';
  if (!existsSync(sources)) return DEFAULT_MIRROR;
  const uris = [...readFileSync(sources, 'utf8').matchAll(/^URIs:\s*(\S+)/gm)].map((m) => m[1]);
  return uris.find((uri) => uri !== undefined && !uri.includes('security')) ?? DEFAULT_MIRROR;
}
