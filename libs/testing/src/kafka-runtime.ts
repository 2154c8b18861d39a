import { spawnSync } from 'node:child_process';
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

/**
 * Returns a folder holding the broker's runtime classpath, resolving it from Maven Central
 * with Maven the first time. The folder is only published (renamed into place) once the
 * copy is complete, so an interrupted fetch is never mistaken for a cached one.
 */
export function ensureKafkaClasspath(log: (line: string) => void = () => undefined): string {
  const version = pinnedKafkaVersion();
  const target = join(cacheDir(), 'kafka', version, 'libs');
  if (existsSync(join(target, '.complete'))) return target;

  requireTool('java', ['-version'], 'Java 17 or newer runs the Kafka broker');
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
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return target;
}

function requireTool(cmd: string, args: string[], why: string): void {
  const probe = spawnSync(cmd, args, { stdio: 'ignore' });
  if (probe.error) {
    throw new LauncherError(
      `\`${cmd}\` is not installed or not on PATH. ${why}. Install it (Debian: ` +
        `\`apt-get install ${cmd === 'java' ? 'openjdk-17-jre-headless' : 'maven'}\`), or set ` +
        'KAFKA_BROKERS to an existing broker, or use `docker compose up`.',
    );
  }
}
