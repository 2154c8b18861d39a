import type { E2eStack } from './e2e-stack.js';

type ServiceName = Parameters<E2eStack['start']>[0];

/**
 * Replaces the running `service` by one started with fault switches in `env`, runs
 * `scenario` (which may kill it or watch it die), and whatever happens leaves a normally
 * started instance behind, so the shared stack stays healthy for the next test.
 */
export async function withFaultyInstance(
  stack: E2eStack,
  service: ServiceName,
  env: NodeJS.ProcessEnv,
  scenario: () => Promise<void>,
): Promise<void> {
  await stack.stop(service);
  try {
    await stack.start(service, { env });
    await scenario();
  } finally {
    // A no-op when the scenario already killed it (the pid is no longer ours).
    await stack.stop(service);
    await stack.start(service);
  }
}

/** True once nothing answers at the service's liveness endpoint any more. */
export async function isDown(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) });
    return false;
  } catch {
    return true;
  }
}
