/**
 * npm run replay -- <service> --to-earliest | --to-datetime <ISO>
 *
 * read-model (running): asks it to re-process through its admin API and follows progress.
 *   --to-earliest  rebuilds fresh views from the earliest offset beside the live ones,
 *                  compares checksums at the same log position and swaps them in.
 *   --to-datetime  moves its group back to a timestamp and re-applies from there.
 * order-service / payment-service (stopped): moves the service's consumer group, as
 *   kafka-consumer-groups --reset-offsets would; the service re-applies on its next start,
 *   through its inbox and state machine, so nothing is applied twice.
 */
import { parseArgs } from 'node:util';

import { ADMIN_ROUTES, SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';
import { serviceUrl } from '@app/devstack';
import { groupPositions } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'to-earliest': { type: 'boolean', default: false },
    'to-datetime': { type: 'string' },
    'no-swap': { type: 'boolean', default: false },
    url: { type: 'string', default: serviceUrl('read-model') },
    token: { type: 'string', default: process.env.ADMIN_TOKEN ?? 'dev-admin-token' },
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
  },
});

function fail(message: string): never {
  console.error(`replay: ${message}`);
  process.exit(2);
}

const service = positionals[0] as ServiceName | undefined;
if (!service || !SERVICE_NAMES.includes(service))
  fail(`name a service: ${SERVICE_NAMES.join(', ')}`);
if (values['to-earliest'] === Boolean(values['to-datetime']))
  fail('give exactly one of --to-earliest or --to-datetime <ISO>');
const at = values['to-datetime'] ? new Date(values['to-datetime']) : undefined;
if (at && Number.isNaN(at.getTime()))
  fail(`--to-datetime ${values['to-datetime']} is not an ISO-8601 time`);

async function replayReadModel(): Promise<void> {
  const headers = { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' };
  const body = at
    ? { mode: 'from-datetime', toDatetime: at.toISOString() }
    : { mode: 'rebuild', swap: !values['no-swap'] };
  const started = await fetch(`${values.url}${ADMIN_ROUTES.replay}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (started.status !== 202)
    fail(`read-model answered ${started.status}: ${await started.text()}`);
  let last = '';
  for (;;) {
    const status = (await (
      await fetch(`${values.url}${ADMIN_ROUTES.replay}`, { headers })
    ).json()) as {
      phase: string;
      behind: number | null;
    };
    const line = `${status.phase}${status.behind !== null ? ` (behind: ${status.behind})` : ''}`;
    if (line !== last) console.log(`replay: ${line}`);
    last = line;
    if (status.phase === 'done' || status.phase === 'failed') {
      console.log(JSON.stringify(status, null, 2));
      process.exit(status.phase === 'done' ? 0 : 1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function resetStoppedService(name: ServiceName): Promise<void> {
  const { group: groupId, consumes } = TOPOLOGY[name];
  const kafka = new Kafka({
    clientId: 'replay',
    brokers: values.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && group.members.length > 0)
      fail(`stop ${name} first: its consumer group has ${group.members.length} running member(s)`);
    for (const topic of consumes) {
      if (at) {
        const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime());
        await admin.setOffsets({
          groupId,
          topic,
          partitions: offsets.map(({ partition, offset }) => ({ partition, offset })),
        });
      } else {
        await admin.resetOffsets({ groupId, topic, earliest: true });
      }
    }
    const positions = await groupPositions(admin, groupId, [...consumes]);
    console.log(
      `replay: group ${groupId} now at ${JSON.stringify(Object.fromEntries([...positions].map(([k, v]) => [k, v.toString()])))}`,
    );
    console.log(
      `replay: start ${name} again; it re-applies from there through its inbox (no effect twice).`,
    );
  } finally {
    await admin.disconnect();
  }
}

// A service with a replay route rebuilds itself while running; the others are reset while stopped.
await ((TOPOLOGY[service].admin as readonly string[]).includes('replay')
  ? replayReadModel()
  : resetStoppedService(service));
