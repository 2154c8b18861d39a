import { SERVICE_NAMES } from '@app/contracts';

import type { ChaosStack, ServiceName } from './chaos-stack.js';

const SERVICES: readonly ServiceName[] = SERVICE_NAMES;

/** GET /health/ready of a service's serving instance: 200 when its database and broker answer. */
export async function readiness(chaos: ChaosStack, service: ServiceName): Promise<number> {
  try {
    const res = await fetch(`${chaos.url(service)}/health/ready`, {
      signal: AbortSignal.timeout(5_000),
    });
    return res.status;
  } catch {
    return 0;
  }
}

/** Readiness status of each service, e.g. { 'order-service': 503, … }. */
export async function readinessAll(chaos: ChaosStack): Promise<Record<ServiceName, number>> {
  const statuses = await Promise.all(SERVICES.map((s) => readiness(chaos, s)));
  return Object.fromEntries(SERVICES.map((s, i) => [s, statuses[i]])) as Record<
    ServiceName,
    number
  >;
}

export const allReady = (r: Record<ServiceName, number>): boolean =>
  Object.values(r).every((status) => status === 200);
export const noneReady = (r: Record<ServiceName, number>): boolean =>
  Object.values(r).every((status) => status !== 200);
