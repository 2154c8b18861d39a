/**
 * `npm start`, `npm run demo` and the test runner's infrastructure, in one launcher:
 *   node dist/tools/stack.js start [--profile dev]   infra + three services + console until Ctrl-C
 *   node dist/tools/stack.js demo  [--once]          the same, plus the scripted saga demo
 *   (--port-offset N moves the services and the console from 3001-3004 to 3001+N-3004+N)
 *   (--brokers 3: a replicated three-node KRaft cluster instead of one broker;
 *    --instances payment-service=2[,read-model=2]: extra instances on port + 10, + 20, …)
 *   node dist/tools/stack.js infra [--profile test]  infra only (prints READY <json>)
 * Everything started here is stopped here, by pid, on Ctrl-C / SIGTERM / exit.
 */
import { parseArgs } from 'node:util';

import type { ServiceName } from '@app/contracts';
import {
  CONSOLE_SERVICE,
  LauncherError,
  PidRegistry,
  SERVICES,
  assertKafkaAnswers,
  kafkaNodeCount,
  parseInstances,
  startConsole,
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

/** Stops the stack in order (services, Kafka, PostgreSQL) once it is up. */
let shutdown: (() => Promise<void>) | undefined;
/** After "ready", Ctrl-C is the normal way to stop (exit 0); before it, an interruption. */
let ready = false;
let exiting = false;

async function stopEverything(): Promise<void> {
  say('stopping everything this launcher started...');
  await shutdown?.().catch(() => undefined);
  // Whatever is not (yet) part of a stack: a broker or database still starting, by pid.
  await PidRegistry.stopEverythingStarted();
  say('stopped.');
}

async function exitNormally(): Promise<never> {
  if (!exiting) {
    exiting = true;
    await stopEverything();
  }
  process.exit(0);
}

/**
 * Every failure ends here: everything this launcher started is stopped by pid, then ONE
 * line on stderr says what went wrong (the stack trace only with DEBUG=1), exit code 1.
 */
async function fail(error: unknown): Promise<never> {
  if (exiting) return new Promise<never>(() => undefined); // a second failure while stopping
  exiting = true;
  if (process.env.DEBUG) console.error(error);
  await stopEverything().catch(() => undefined);
  console.error(`[launcher] ${oneLine(error)}`);
  process.exit(1);
}

function oneLine(error: unknown): string {
  if (error instanceof LauncherError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message.split('\n')[0]} (DEBUG=1 prints the stack)`;
}

class Interrupted extends LauncherError {}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (ready) void exitNormally();
    else void fail(new Interrupted(`interrupted by ${sig} during start-up; nothing left running`));
  });
}
process.on('uncaughtException', (error) => void fail(error));
process.on('unhandledRejection', (reason) => void fail(reason));

async function main(): Promise<void> {
  // Every child is unref'd (a failed launcher must not wait on them), so this timer is
  // what keeps the launcher alive until Ctrl-C; it exits only through the paths above.
  setInterval(() => undefined, 2 ** 30);
  if (command === 'infra') {
    const infra = await startInfra({ profile, log: say, kafkaNodes });
    shutdown = () => infra.stop();
    ready = true;
    console.log(
      `READY ${JSON.stringify({ brokers: infra.brokers, adminUrl: infra.databaseUrl('postgres') })}`,
    );
    return;
  }
  if (command !== 'start' && command !== 'demo') {
    throw new LauncherError(`unknown command "${command}" (use start, demo or infra)`);
  }
  const started = Date.now();
  const offset = Number(values['port-offset']);
  const stack = await startStack({
    profile,
    log: say,
    portOffset: offset,
    kafkaNodes,
    instances,
  });
  shutdown = () => stack.stop();
  // The services' readiness includes the broker; this says it for the launcher, too.
  await assertKafkaAnswers(stack.infra.brokers, 'kafka');
  const operatorConsole = await startConsole({
    port: CONSOLE_SERVICE.port + offset,
    services: Object.fromEntries(SERVICES.map((s) => [s.name, [stack.url(s.name)]])) as Record<
      ServiceName,
      string[]
    >,
    registry: stack.infra.registry,
    runDir: stack.infra.runDir,
  });
  shutdown = async () => {
    await operatorConsole.stop();
    await stack.stop();
  };
  ready = true;
  say(`all services ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const [name, proc] of stack.instances)
    say(`  ${name.padEnd(18)} ${proc.url}  (docs: ${proc.url}/docs)`);
  say(`  console            ${operatorConsole.url}  (the operator console: open it in a browser)`);
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
    if (values.once) return exitNormally();
  }
  say('running; press Ctrl-C to stop.');
}

main().catch(fail);
