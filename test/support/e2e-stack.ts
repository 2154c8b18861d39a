import { join } from 'node:path';

import {
  PidRegistry,
  SERVICES,
  isOurs,
  signal,
  startServiceProcess,
  waitForExit,
  type ServiceProcess,
  type ServiceSpec,
} from '@app/devstack';
import { inject } from 'vitest';

type Name = ServiceSpec['name'];

/**
 * The shared e2e stack, seen from a test file: URLs, and control of the service processes
 * (kill -9, graceful stop, start again with the same settings) through the pid registry.
 */
export function e2eStack() {
  const stack = inject('stack');
  const registry = new PidRegistry(stack.runDir);
  const spec = (name: Name): ServiceSpec => SERVICES.find((s) => s.name === name)!;

  const stopInstance = async (instance: string, sig: NodeJS.Signals): Promise<void> => {
    const entry = registry.list().find((e) => e.name === instance);
    if (!entry || !isOurs(entry)) return;
    signal(entry.pid, sig);
    if (!(await waitForExit(entry.pid, 20_000))) {
      signal(entry.pid, 'SIGKILL');
      await waitForExit(entry.pid, 5_000);
    }
    registry.forget(instance, entry.pid);
  };

  return {
    url: (name: Name): string => stack.urls[name]!,
    brokers: inject('brokers'),
    databaseUrl: (name: Name): string => stack.env[name]!.DATABASE_URL!,
    /** SIGKILL: a crash, no shutdown hooks. */
    kill: (name: Name, instance: string = name) => stopInstance(instance, 'SIGKILL'),
    /** SIGTERM: graceful shutdown. */
    stop: (name: Name, instance: string = name) => stopInstance(instance, 'SIGTERM'),
    /** Starts an instance with the stack's settings plus `env`; waits for readiness. */
    start: (
      name: Name,
      opts: { instance?: string; port?: number; env?: NodeJS.ProcessEnv } = {},
    ): Promise<ServiceProcess> =>
      startServiceProcess({
        instance: opts.instance ?? name,
        entry: spec(name).entry,
        port: opts.port ?? stack.ports[name]!,
        env: { ...stack.env[name], ...opts.env },
        registry,
        logDir: join(stack.runDir, 'logs'),
      }),
  };
}

export type E2eStack = ReturnType<typeof e2eStack>;
