import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureFolderOf } from '../contract-paths.js';

/** libs/contracts/fixtures/<event-type>/v<N>.json: one full envelope per published version. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export interface GoldenFixture {
  folder: string;
  version: number;
  bytes: Buffer;
}

export { fixtureFolderOf };

export function goldenFixtures(): GoldenFixture[] {
  return readdirSync(FIXTURES_DIR).flatMap((folder) =>
    readdirSync(`${FIXTURES_DIR}${folder}`).map((file) => {
      const version = /^v(\d+)\.json$/.exec(file)?.[1];
      if (version === undefined) throw new Error(`unexpected fixture file ${folder}/${file}`);
      return {
        folder,
        version: Number(version),
        bytes: readFileSync(`${FIXTURES_DIR}${folder}/${file}`),
      };
    }),
  );
}

/** A fixture's envelope loosely typed, so that tests can break it in any way. */
export type LooseEnvelope = Record<string, unknown> & { payload: Record<string, unknown> };

/** A fresh, mutable copy of one fixture's envelope, for crafting bad inputs from a good one. */
export function fixtureEnvelope(eventType: string, version = 1): LooseEnvelope {
  const path = `${FIXTURES_DIR}${fixtureFolderOf(eventType)}/v${version}.json`;
  return JSON.parse(readFileSync(path, 'utf8')) as LooseEnvelope;
}
