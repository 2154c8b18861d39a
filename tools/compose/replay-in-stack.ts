import type { ComposeCli } from './compose-cli.js';
import { hostUrl, type StackTargets } from './stack-checks.js';

interface ReplayStatus {
  phase: string;
  liveChecksum: string | null;
  rebuiltChecksum: string | null;
  checksumsMatch: boolean | null;
  orders?: number;
}

/**
 * Rebuilds the read model from the earliest offset INSIDE the stack: the project's replay
 * command runs in the read-model container (its own image, network and ADMIN_TOKEN) against
 * the service's admin API, then the host reads the swapped-in views' checksum.
 */
export async function replayInStack(
  compose: ComposeCli,
  targets: StackTargets,
  print: (line: string) => void,
): Promise<void> {
  const { output } = await compose.run([
    'exec',
    '-T',
    'read-model',
    'node',
    'dist/tools/replay.js',
    'read-model',
    '--to-earliest',
    '--url',
    'http://127.0.0.1:3003',
  ]);
  for (const line of output.split('\n').filter((l) => l.startsWith('replay:'))) print(`  ${line}`);
  const status = JSON.parse(output.slice(output.indexOf('\n{') + 1)) as ReplayStatus;
  print(
    `  live ${status.liveChecksum}, rebuilt ${status.rebuiltChecksum} (${status.orders ?? '?'} orders)`,
  );
  if (status.phase !== 'done' || status.checksumsMatch !== true || !status.rebuiltChecksum) {
    throw new Error(`the rebuild did not match: ${JSON.stringify(status)}`);
  }
  if (status.liveChecksum !== status.rebuiltChecksum) {
    throw new Error(
      `checksums differ: live ${status.liveChecksum}, rebuilt ${status.rebuiltChecksum}`,
    );
  }
  const res = await fetch(`${hostUrl(targets, 'READ_MODEL_HOST_PORT')}/admin/checksum`, {
    headers: { authorization: `Bearer ${targets.adminToken}` },
  });
  if (!res.ok) throw new Error(`GET /admin/checksum answered ${res.status}`);
  const after = (await res.json()) as { checksum: string };
  print(`  GET /admin/checksum from the host after the swap -> ${after.checksum}`);
  if (after.checksum !== status.rebuiltChecksum) {
    throw new Error(`the swapped-in views' checksum ${after.checksum} is not the rebuilt one`);
  }
}
