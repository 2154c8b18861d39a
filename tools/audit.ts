/**
 * npm run audit [-- --wait <seconds>] : checks a running system from the outside (REST APIs,
 * metrics, topics) and prints a short report; exits 1 on a violation. Defaults point at
 * `npm start`; override with ORDER_SERVICE_URL, PAYMENT_SERVICE_URL, READ_MODEL_URL,
 * KAFKA_BROKERS and ADMIN_TOKEN.
 */
import { parseArgs } from 'node:util';

import {
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  SERVICE_NAMES,
  type ServiceName,
} from '@app/contracts';
import { audit, serviceUrl } from '@app/devstack';

const { values } = parseArgs({
  options: { wait: { type: 'string', default: '0' }, json: { type: 'boolean', default: false } },
});

const report = await audit(
  {
    urls: Object.fromEntries(SERVICE_NAMES.map((s) => [s, serviceUrl(s)])) as Record<
      ServiceName,
      string
    >,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    adminToken: process.env.ADMIN_TOKEN ?? 'dev-admin-token',
  },
  { waitMs: Number(values.wait) * 1000 },
);

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`audit: ${report.ok ? 'OK' : 'VIOLATIONS'}`);
  console.log(
    `  orders ${report.orders} ${JSON.stringify(report.byStatus)}, customers ${report.customers}`,
  );
  console.log(
    `  records: ${ORDER_EVENTS_TOPIC} ${report.records.orderEvents}, ${PAYMENT_EVENTS_TOPIC} ${report.records.paymentEvents}, ` +
      `re-sent ${report.records.resent}, undecodable ${report.records.undecodable}`,
  );
  console.log(`  dead letters ${JSON.stringify(report.deadLetters)}`);
  console.log(
    `  outbox backlog ${JSON.stringify(report.outboxBacklog)}, consumer lag ${report.consumerLag}`,
  );
  for (const v of report.violations.slice(0, 20)) console.log(`  ✗ ${v}`);
  if (report.violations.length > 20) console.log(`  … and ${report.violations.length - 20} more`);
}
process.exit(report.ok ? 0 : 1);
