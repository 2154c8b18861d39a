import { LauncherError } from './ports.js';
import { SERVICES, type ServiceSpec } from './services.js';

/** `payment-service=2,read-model=2` (the launcher's --instances flag) as counts per service. */
export function parseInstances(text: string): Partial<Record<ServiceSpec['name'], number>> {
  const out: Partial<Record<ServiceSpec['name'], number>> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, count] = part.split('=');
    const spec = SERVICES.find((s) => s.name === name);
    const n = Number(count);
    if (!spec || !Number.isInteger(n) || n < 1 || n > 5) {
      throw new LauncherError(
        `--instances expects <service>=<1..5>[,…] with a service of ${SERVICES.map((s) => s.name).join(', ')}; got "${part}"`,
      );
    }
    out[spec.name] = n;
  }
  return out;
}
