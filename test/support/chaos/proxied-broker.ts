import { rmSync } from 'node:fs';
import { join } from 'node:path';

import {
  PidRegistry,
  freePort,
  runDir,
  startKafkaBroker,
  startTcpProxy,
  type KafkaBroker,
  type TcpProxy,
} from '@app/devstack';

export interface ProxiedBroker {
  readonly broker: KafkaBroker;
  readonly proxy: TcpProxy;
  /** Direct bootstrap address. */
  readonly brokers: string[];
  /** Bootstrap through the proxy; the broker advertises the proxy to these clients. */
  readonly proxiedBrokers: string[];
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * A broker of the spec's own with a second listener that it advertises at a TCP proxy's
 * address, and that proxy in front of it. Its pid goes to this process's run folder of the
 * `test` profile, so an interrupted run's broker is reaped like any other.
 */
export async function startProxiedBroker(log: (line: string) => void): Promise<ProxiedBroker> {
  const dir = join(runDir('test'), String(process.pid));
  const workDir = join(dir, 'kafka-proxied');
  const listenPort = await freePort();
  const proxyPort = await freePort();
  const broker = await startKafkaBroker({
    port: await freePort(),
    controllerPort: await freePort(),
    workDir,
    registry: new PidRegistry(dir),
    proxiedListener: { listenPort, advertisedPort: proxyPort },
    log,
  });
  const proxy = await startTcpProxy({ listenPort: proxyPort, targetPort: listenPort });
  return {
    broker,
    proxy,
    brokers: broker.brokers,
    proxiedBrokers: broker.proxiedBrokers!,
    logFile: broker.logFile,
    stop: async () => {
      await proxy.close();
      await broker.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
