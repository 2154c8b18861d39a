import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BASE_IMAGE } from './base-image.js';
import { runCommand } from './run-command.js';

/**
 * Images docker-compose.yml names through a `${VAR:-official}` variable, and how to build a
 * stand-in for each from the Debian base (docs/adr/0007-compose-images.md). Every stand-in
 * follows the version of the official default, so the two stay interchangeable.
 */
const RECIPES: Record<
  string,
  (officialTag: string) => { name: string; args: Record<string, string> }
> = {
  POSTGRES_IMAGE: (tag) => ({ name: 'postgres', args: { PG_MAJOR: tag.split('.')[0] ?? tag } }),
  KAFKA_IMAGE: (tag) => ({ name: 'kafka', args: { KAFKA_VERSION: tag } }),
  NODE_IMAGE: () => ({ name: 'node', args: {} }),
  JAEGER_IMAGE: () => ({ name: 'jaeger', args: {} }),
};

export interface StandIn {
  variable: string;
  official: string;
  tag: string;
  dockerfile: string;
  args: Record<string, string>;
}

/** The image variables of the compose file with their official defaults, in file order. */
export function imageVariables(composeFile: string): Map<string, string> {
  const text = readFileSync(composeFile, 'utf8');
  return new Map(
    [...text.matchAll(/\$\{(\w+_IMAGE):-([^}]+)\}/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

export function standIns(root: string): StandIn[] {
  return [...imageVariables(join(root, 'docker-compose.yml'))].map(([variable, official]) => {
    const recipe = RECIPES[variable];
    if (!recipe)
      throw new Error(`docker-compose.yml names ${variable}, which has no stand-in recipe`);
    const officialTag = official.split(':')[1] ?? 'latest';
    const { name, args } = recipe(officialTag);
    return {
      variable,
      official,
      tag: `kafka-event-log-orders/stand-in-${name}:${name === 'node' ? '20-trixie' : officialTag}`,
      dockerfile: `docker/stand-ins/${name}/Dockerfile`,
      args,
    };
  });
}

/** Builds one stand-in (the repository is the context; .dockerignore keeps it small). */
export async function buildStandIn(
  standIn: StandIn,
  { root, env, logFile }: { root: string; env: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
  const args = { BASE_IMAGE, ...standIn.args };
  await runCommand(
    'docker',
    [
      'build',
      '--tag',
      standIn.tag,
      '--file',
      standIn.dockerfile,
      ...Object.entries(args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
      '.',
    ],
    { cwd: root, env, logFile },
  );
}
