import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '@app/devstack';
import { parse } from 'yaml';

/** What "up" means for a service: healthy (it has a health check), done (one-shot) or running. */
export type ReadyWhen = 'healthy' | 'completed' | 'running';

interface ServiceEntry {
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
  profiles?: string[];
}

/**
 * Each service `up` starts under `profile` (the services without profiles and those of that
 * profile) and when it counts as up, in file order.
 */
export function servicesOf(root: string, profile: string): Map<string, ReadyWhen> {
  const file = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ServiceEntry>;
  };
  const active = Object.entries(file.services).filter(
    ([, svc]) => !svc.profiles || svc.profiles.includes(profile),
  );
  return new Map(
    active.map(([name, svc]): [string, ReadyWhen] => {
      if (svc.healthcheck?.test && !svc.healthcheck.disable) return [name, 'healthy'];
      return [name, svc.restart === 'no' ? 'completed' : 'running'];
    }),
  );
}

/**
 * Every `${*_HOST_PORT:-default}` of the compose file, mapped to a free loopback port of this
 * host, so the test never fights a running `npm start` (or another checkout) over 9092/3001.
 */
export async function freeHostPorts(root: string): Promise<Record<string, number>> {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const variables = [
    ...new Set([...text.matchAll(/\$\{(\w+_HOST_PORT):-\d+\}/g)].map((m) => m[1] ?? '')),
  ];
  const ports: Record<string, number> = {};
  for (const variable of variables) ports[variable] = await freePort();
  return ports;
}
