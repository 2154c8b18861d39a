/**
 * `npm start`, `npm run demo` and the test runner's infrastructure, in one launcher:
 *   node dist/tools/stack.js start [--profile dev]   infra + three services until Ctrl-C
 *   node dist/tools/stack.js demo  [--once]          the same, plus the scripted saga demo
 *   (--port-offset N moves the services from 3001-3003 to 3001+N-3003+N)
 *   (--brokers 3: a replicated three-node KRaft cluster instead of one broker;
 *    --instances payment-service=2[,read-model=2]: extra instances on port + 10, + 20, …)
 *   node dist/tools/stack.js infra [--profile test]  infra only (prints READY <json>)
 * Everything started here is stopped here, by pid, on Ctrl-C / SIGTERM / exit.
 */
import { parseArgs } from 'node:util';

import {
  LauncherError,
  kafkaNodeCount,
  parseInstances,
  startInfra,
  startStack,
  type Profile,
} from '@app/devstack';

import { runDemoScenario } from './demo-scenario.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: 'string' },
    once: { type: 'boolean', default: false },
    'port-offset': { type: 'string', default: '0' },
    brokers: { type: 'string' },
    instances: { type: 'string', default: '' },
  },
});
const command = positionals[0] ?? 'start';
const profile = (values.profile ?? (command === 'infra' ? 'test' : 'dev')) as Profile;
const say = (line: string): void => console.log(`[launcher] ${line}`);
const kafkaNodes = values.brokers === undefined ? undefined : kafkaNodeCount(values.brokers);
const instances = parseInstances(values.instances);

let shutdown: (() => Promise<void>) | undefined;
let exiting = false;
async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    if (shutdown) {
      say('stopping everything this launcher started...');
      await shutdown().catch((e: unknown) => console.error(e));
      say('stopped.');
    }
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void exit(0));

async function main(): Promise<void> {
  if (command === 'infra') {
    const infra = await startInfra({ profile, log: say, kafkaNodes });
    shutdown = () => infra.stop();
    console.log(
      `READY ${JSON.stringify({ brokers: infra.brokers, adminUrl: infra.databaseUrl('postgres') })}`,
    );
    return;
  }
  if (command !== 'start' && command !== 'demo') {
    throw new LauncherError(`unknown command "${command}" (use start, demo or infra)`);
  }
  const started = Date.now();
  const stack = await startStack({
    profile,
    log: say,
    portOffset: Number(values['port-offset']),
    kafkaNodes,
    instances,
  });
  shutdown = () => stack.stop();
  say(`all services ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const [name, proc] of stack.instances)
    say(`  ${name.padEnd(18)} ${proc.url}  (docs: ${proc.url}/docs)`);
  say(`  kafka            ${stack.infra.brokers.join(',')}`);
  say(`  postgres         ${stack.infra.databaseUrl('<db>')}`);
  if (command === 'demo') {
    await runDemoScenario({
      orders: stack.url('order-service'),
      payments: stack.url('payment-service'),
      readModel: stack.url('read-model'),
      brokers: stack.infra.brokers,
      print: (line) => console.log(line),
    });
    if (values.once) return exit(0);
  }
  say('running; press Ctrl-C to stop.');
}

main().catch(async (error: unknown) => {
  if (error instanceof LauncherError) console.error(`\n[launcher] ${error.message}\n`);
  else console.error(error);
  await exit(1);
});
