import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LauncherError } from './ports.js';
import { cacheDir, projectRoot } from './project-paths.js';

const POM = (): string => join(projectRoot(), 'tools', 'kafka', 'pom.xml');

/** The Kafka version pinned in tools/kafka/pom.xml; the cache folder is keyed by it. */
export function pinnedKafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM(), 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${POM()}`);
  return match[1];
}

/** The JVM, as Kafka's own scripts pick it: $JAVA_HOME/bin/java, else `java` on PATH. */
export const javaCommand = (): string =>
  process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

/**
 * Returns a folder holding the broker's runtime classpath, resolving it from Maven Central
 * with Maven the first time. The folder is only published (renamed into place) once the
 * copy is complete, so an interrupted fetch is never mistaken for a cached one.
 */
export function ensureKafkaClasspath(log: (line: string) => void = () => undefined): string {
  const version = pinnedKafkaVersion();
  // Keyed by the POM's content too: adding a dependency must not reuse an older classpath.
  const pomHash = createHash('sha256').update(readFileSync(POM())).digest('hex').slice(0, 10);
  const target = join(cacheDir(), 'kafka', `${version}-${pomHash}`, 'libs');
  if (existsSync(join(target, '.complete'))) return target;

  requireTool(javaCommand(), ['-version'], 'Java 17 or newer runs the Kafka broker');
  requireTool('mvn', ['-v'], 'Maven fetches the Kafka broker jars from Maven Central');

  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`fetching Apache Kafka ${version} jars from Maven Central (once; cached in ${target})`);
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      POM(),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new LauncherError(
      `Maven could not fetch the Kafka broker jars (exit ${String(result.status)}).\n` +
        `${(result.stdout + result.stderr).trim().split('\n').slice(-15).join('\n')}\n` +
        'Check that Maven Central is reachable (a proxy goes in ~/.m2/settings.xml), or run ' +
        'your own broker and set KAFKA_BROKERS, or use `docker compose up`.',
    );
  }
  writeFileSync(join(staging, '.complete'), new Date().toISOString());
  // Another launcher may have finished the same fetch meanwhile: keep the one in place (a
  // broker may already run from it) and drop ours.
  if (existsSync(join(target, '.complete'))) {
    rmSync(staging, { recursive: true, force: true });
    return target;
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

function requireTool(cmd: string, args: string[], why: string): void {
  const probe = spawnSync(cmd, args, { stdio: 'ignore' });
  if (probe.error) {
    throw new LauncherError(
      `\`${cmd}\` is not installed or not on PATH. ${why}. Install it (Debian: ` +
        `\`apt-get install ${cmd === 'mvn' ? 'maven' : 'openjdk-17-jre-headless'}\`), or set ` +
        'KAFKA_BROKERS to an existing broker, or use `docker compose up`.',
    );
  }
}

/**
 * Runs one of Kafka's own command-line tools (e.g. ConsumerGroupCommand, the class behind
 * kafka-consumer-groups.sh) from the cached classpath.
 */
export function runKafkaTool(
  mainClass: string,
  args: string[],
  log: (line: string) => void = () => undefined,
): { status: number; output: string } {
  const classpath = join(ensureKafkaClasspath(log), '*');
  const result = spawnSync(javaCommand(), ['-Xmx256m', '-cp', classpath, mainClass, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KAFKA_LOG4J_OPTS: '' },
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

export const KAFKA_TOOLS = {
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  topics: 'org.apache.kafka.tools.TopicCommand',
  metadataQuorum: 'org.apache.kafka.tools.MetadataQuorumCommand',
} as const;
