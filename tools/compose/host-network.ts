import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';

/** A host this machine must keep reaching: the npm registry (apt, Maven go the same way out). */
const OUTSIDE = { host: 'registry.npmjs.org', port: 443 };

/**
 * dockerd rewrites iptables (NAT, a FORWARD policy of DROP) and adds bridges. Taken before it
 * starts, this probe afterwards checks that the host's own traffic is untouched: the same
 * default route, and a TCP connection out still opens.
 */
export async function hostNetworkProbe(): Promise<{ stillWorks: () => Promise<void> }> {
  const before = defaultRoute();
  await tcpConnect();
  return {
    stillWorks: async () => {
      const after = defaultRoute();
      if (after !== before) throw new Error(`the default route changed: "${before}" -> "${after}"`);
      await tcpConnect();
    },
  };
}

function defaultRoute(): string {
  try {
    return execFileSync('ip', ['route', 'show', 'default'], { encoding: 'utf8' }).trim();
  } catch {
    return '(no ip command)';
  }
}

function tcpConnect(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(OUTSIDE);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`no TCP connection to ${OUTSIDE.host}:${OUTSIDE.port} within 10 s`));
    });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error) =>
      reject(new Error(`${OUTSIDE.host}:${OUTSIDE.port}: ${error.message}`)),
    );
  });
}
