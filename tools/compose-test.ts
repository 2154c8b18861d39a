/**
 * `npm run test:compose`: `docker compose up`, proven on this machine. Installs Debian's
 * Docker engine and docker-compose when missing, starts a dockerd of its own (stopped by pid
 * at the end, also on failure or a signal), makes the Debian base image by debootstrap when
 * absent, builds a stand-in for every image no registry serves here, builds the services'
 * image, brings the whole stack up, runs the scripted demo from the host through published
 * loopback ports, rebuilds the read model inside the stack, and takes it down with its
 * volumes. Prints a time per phase and `N passed, N failed`; exits 1 on any failure.
 * docs/adr/0007-compose-images.md explains the images.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { ComposeCli } from './compose/compose-cli.js';
import { freeHostPorts, servicesOf } from './compose/compose-file.js';
import { BASE_IMAGE, ensureBaseImage } from './compose/base-image.js';
import { startDockerd, type Dockerd } from './compose/dockerd.js';
import { ensureEngineInstalled } from './compose/engine-install.js';
import { hostNetworkProbe } from './compose/host-network.js';
import { composeTestPaths, ROOT } from './compose/paths.js';
import { Report } from './compose/report.js';
import { waitUntilUp } from './compose/wait-until-up.js';
import { replayInStack } from './compose/replay-in-stack.js';
import { sagaTraceInJaeger } from './compose/saga-trace-in-jaeger.js';
import { clusterBrokers, clusterTopicsReplicated } from './compose/cluster-checks.js';
import { STACK_CHECKS, hostUrl, type StackTargets } from './compose/stack-checks.js';
import { buildStandIn, standIns } from './compose/stand-ins.js';
import { runDemoScenario } from './demo-scenario.js';

const PROJECT = 'kelo-compose-test';
const report = new Report();
rmSync(composeTestPaths().logs, { recursive: true, force: true });
const paths = composeTestPaths();
const log = (name: string): string => join(paths.logs, `${name}.log`);

let dockerd: Dockerd | undefined;
let compose: ComposeCli | undefined;
let stackCreated = false;
let downPhase = 'down -v';
let finishing: Promise<never> | undefined;

/** `down -v` of one stack, proven to leave nothing behind; logs first when a check failed. */
async function takeDown(cli: ComposeCli, phase: string): Promise<boolean> {
  if (report.failed > 0) await cli.run(['logs', '--no-color', '--tail', '200'], true);
  return report.phase(phase, () =>
    report.check(
      `${phase.replace('down -v', 'docker-compose down -v')} leaves no container, volume or network behind`,
      async () => {
        await cli.run(['down', '--volumes', '--remove-orphans', '--timeout', '20']);
        const left = await cli.leftovers();
        if (left.length > 0) throw new Error(`still there: ${left.join(', ')}`);
      },
    ),
  );
}

/** Takes the stack down (with volumes) and stops the engine; runs once, whatever happened. */
function finish(code: number): Promise<never> {
  finishing ??= (async () => {
    if (compose && stackCreated) await takeDown(compose, downPhase);

    if (dockerd) await report.phase('dockerd stop', () => dockerd!.stop(), `pid ${dockerd.pid}`);
    console.log(`\nlogs: ${paths.logs}`);
    report.print();
    process.exit(code !== 0 || report.failed > 0 ? 1 : 0);
  })();
  return finishing;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    console.log(`\n${sig}: taking the stack down and stopping dockerd`);
    void finish(130);
  });
}

/** One phase that is also one check; false stops the run (later phases need it). */
const step = (phase: string, check: string, body: () => Promise<unknown>): Promise<boolean> =>
  report.phase(phase, () => report.check(check, body));

async function main(): Promise<void> {
  const ok =
    (await step(
      'engine install',
      "Debian's docker.io, docker-compose and debootstrap are installed",
      async () => {
        const installed = await ensureEngineInstalled(log('engine-install'));
        report.notePhase(
          installed.length ? `installed ${installed.join(', ')}` : 'already installed',
        );
      },
    )) &&
    (await step(
      'dockerd start',
      'a dockerd of its own answers on its socket, and host networking still works',
      async () => {
        const probe = await hostNetworkProbe();
        dockerd = await startDockerd(paths, log('dockerd'));
        await probe.stillWorks();
      },
    )) &&
    (await step('base image', `the Debian trixie base image ${BASE_IMAGE} exists`, async () => {
      const made = await ensureBaseImage({
        env: dockerd!.env,
        rootfsDir: paths.rootfs,
        logFile: log('base-image'),
      });
      report.notePhase(made ? 'made by debootstrap' : 'reused');
    }));
  if (!ok || !dockerd) return;

  // The official images where the caller names them (a machine with a registry); else
  // stand-ins, built side by side: the Maven and apt downloads overlap the other builds' work.
  const images: Record<string, string> = {};
  const toBuild = standIns(ROOT).filter((standIn) => {
    images[standIn.variable] = process.env[standIn.variable] || standIn.tag;
    return !process.env[standIn.variable];
  });
  const engine = dockerd;
  const standInsBuilt = await report.phase(
    'stand-in images',
    async () =>
      (
        await Promise.all(
          toBuild.map((standIn) =>
            report.check(`a stand-in for ${standIn.official} builds (${standIn.tag})`, () =>
              buildStandIn(standIn, {
                root: ROOT,
                env: engine.env,
                logFile: log(`stand-in-${standIn.variable}`),
              }),
            ),
          ),
        )
      ).every(Boolean),
    toBuild.length ? '' : 'official images given',
  );
  if (!standInsBuilt) return;

  const ports = await freeHostPorts(ROOT);
  const targets: StackTargets = { ports, adminToken: randomBytes(12).toString('hex') };
  const cliOptions = {
    root: ROOT,
    project: PROJECT,
    logFile: log('compose'),
    env: {
      ...dockerd.env,
      ...images,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ADMIN_TOKEN: targets.adminToken,
      COMPOSE_HTTP_TIMEOUT: '300',
    },
  };
  // Plain `docker-compose up`: .env's COMPOSE_PROFILES=single, one broker.
  compose = new ComposeCli(cliOptions);
  const cli = compose;
  const services = servicesOf(ROOT, 'single');

  const built =
    (await step('compose config', 'docker-compose 1.29 accepts docker-compose.yml', () =>
      cli.run(['config', '--quiet']),
    )) &&
    (await step('compose build', "the services' image builds from the Dockerfile", () =>
      cli.run(['build']),
    ));
  if (!built) return;

  stackCreated = true;
  const up = await report.phase('up', async () => {
    const started = await report.check('docker-compose up -d starts every service', () =>
      cli.run(['up', '--detach']),
    );
    return started && (await waitUntilUp(cli, services, report));
  });
  if (!up) return;

  await report.phase('stack checks from the host', async () => {
    for (const check of STACK_CHECKS) await report.check(check.name, () => check.run(targets));
    await report.check('the services run as a non-root user', async () => {
      const { output } = await cli.run(['exec', '-T', 'order-service', 'id', '-u']);
      if (output.trim() === '0') throw new Error('order-service runs as root');
    });
  });

  await step(
    'demo from the host',
    'the scripted demo passes against the stack: approval, credit rejection, cancel + refund, poison record dead-lettered',
    () =>
      runDemoScenario({
        orders: hostUrl(targets, 'ORDER_SERVICE_HOST_PORT'),
        payments: hostUrl(targets, 'PAYMENT_SERVICE_HOST_PORT'),
        readModel: hostUrl(targets, 'READ_MODEL_HOST_PORT'),
        brokers: [`127.0.0.1:${ports.KAFKA_HOST_PORT}`],
        print: (line) => console.log(line),
      }),
  );

  await step(
    'trace in Jaeger',
    "Jaeger's query API holds an approved order's saga as one trace: POST /orders -> OrderCreated -> payment-service -> PaymentAuthorized -> order-service -> OrderApproved -> read-model, each span the child of the one before",
    async () => report.notePhase(`trace ${await sagaTraceInJaeger(targets)}`),
  );

  await step(
    'replay inside the stack',
    "the read model rebuilt from the earliest offset inside the stack has the live views' checksum",
    () => replayInStack(cli, targets, (line) => console.log(line)),
  );

  // The same project again as `docker-compose --profile cluster up`: three KRaft nodes.
  stackCreated = false;
  if (!(await takeDown(cli, 'down -v'))) return;
  compose = new ComposeCli({ ...cliOptions, profile: 'cluster' });
  const cluster = compose;
  stackCreated = true;
  downPhase = 'cluster down -v';
  const clusterUp = await report.phase('cluster up', async () => {
    const started = await report.check(
      'docker-compose --profile cluster up -d starts three Kafka nodes instead of one, and the rest',
      () => cluster.run(['up', '--detach']),
    );
    return started && (await waitUntilUp(cluster, servicesOf(ROOT, 'cluster'), report));
  });
  if (!clusterUp) return;
  await step(
    'cluster topics',
    `under the cluster profile every topic of libs/contracts has 6 partitions, 3 replicas and min.insync.replicas 2`,
    () => clusterTopicsReplicated(targets),
  );
  await step('demo on the cluster', 'the scripted demo passes against the three-node cluster', () =>
    runDemoScenario({
      orders: hostUrl(targets, 'ORDER_SERVICE_HOST_PORT'),
      payments: hostUrl(targets, 'PAYMENT_SERVICE_HOST_PORT'),
      readModel: hostUrl(targets, 'READ_MODEL_HOST_PORT'),
      brokers: clusterBrokers(targets),
      print: (line) => console.log(line),
    }),
  );
}

main().then(
  () => finish(0),
  (error: unknown) => {
    console.error(error);
    return finish(1);
  },
);
