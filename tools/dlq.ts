/**
 * Dead letters, from the terminal (through each service's admin API):
 *   npm run dlq -- list    <service> [--reason R]
 *   npm run dlq -- inspect <service> <partition:offset>
 *   npm run dlq -- redrive <service> --all | --reason R | --id P:O [--id P:O ...]
 * A redrive applies the records through the service's normal consumer path and inbox:
 * redriving twice changes nothing.
 */
import { parseArgs } from 'node:util';

import { ADMIN_ROUTES, SERVICE_NAMES, type ServiceName } from '@app/contracts';
import { serviceUrl } from '@app/devstack';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    reason: { type: 'string' },
    id: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    url: { type: 'string' },
    token: { type: 'string', default: process.env.ADMIN_TOKEN ?? 'dev-admin-token' },
  },
});

function fail(message: string): never {
  console.error(`dlq: ${message}`);
  process.exit(2);
}

const [command, service, id] = positionals as [string?, ServiceName?, string?];
if (!command || !['list', 'inspect', 'redrive'].includes(command))
  fail('use list, inspect or redrive');
if (!service || !SERVICE_NAMES.includes(service))
  fail(`name a service: ${SERVICE_NAMES.join(', ')}`);
const base = `${values.url ?? serviceUrl(service)}${ADMIN_ROUTES.deadLetters}`;
const headers = { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' };

async function call(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, headers });
  const body = await res.json();
  if (!res.ok) fail(`${service} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

if (command === 'list') {
  const query = values.reason ? `?reason=${encodeURIComponent(values.reason)}` : '';
  const { items } = (await call(`${base}${query}`)) as {
    items: {
      id: string;
      reason: string;
      eventType: string | null;
      source: { topic: string; partition: number; offset: string };
      applied: boolean;
    }[];
  };
  for (const r of items) {
    console.log(
      `${r.id.padEnd(8)} ${r.reason.padEnd(20)} ${(r.eventType ?? '-').padEnd(18)} from ${r.source.topic}/${r.source.partition}@${r.source.offset}${r.applied ? '  (applied)' : ''}`,
    );
  }
  console.log(`${items.length} dead letter(s)`);
} else if (command === 'inspect') {
  if (!id) fail('inspect needs an id (partition:offset)');
  console.log(JSON.stringify(await call(`${base}/${encodeURIComponent(id)}`), null, 2));
} else {
  if (!values.all && !values.reason && !values.id?.length)
    fail('redrive needs --all, --reason R or --id P:O');
  const body = { all: values.all || undefined, reason: values.reason, ids: values.id };
  console.log(
    JSON.stringify(
      await call(`${base}/redrive`, { method: 'POST', body: JSON.stringify(body) }),
      null,
      2,
    ),
  );
}
