import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Layer rules over the real import graph: every import of every source file, resolved the way
 * the compiler resolves it (path aliases included), checked against rules in the spirit of
 * domain-driven-hexagon's dependency-cruiser set. A broken rule fails with the offending
 * "file -> import" pairs. (domain/ purity has its own spec: architecture.spec.ts.)
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const isSpec = (path: string): boolean => /\.(int-|e2e-|chaos-)?spec\.ts$/.test(path);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !isSpec(entry.name) ? [path] : [];
  });
}

const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), (path) =>
  ts.sys.readFile(path),
) as {
  config: unknown;
};
const options = ts.parseJsonConfigFileContent(config, ts.sys, root).options;

/** Repository-relative paths of the project files `file` imports (packages left out). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return importedFiles.flatMap(({ fileName }) => {
    const resolved = ts.resolveModuleName(fileName, join(root, file), options, ts.sys)
      .resolvedModule?.resolvedFileName;
    if (!resolved || resolved.includes('/node_modules/')) return [];
    return [relative(root, resolved)];
  });
}

interface Edge {
  from: string;
  to: string;
}

const edges: Edge[] = ['apps', 'libs'].flatMap((dir) =>
  sourceFiles(dir).flatMap((from) => importsOf(from).map((to) => ({ from, to }))),
);

/** Test helpers kept inside a lib (fixtures for its own specs) are test code, not the lib. */
const isTestCode = (path: string): boolean =>
  path.startsWith('test/') || /^libs\/[^/]+\/src\/(.*\/)?test\//.test(path) || isSpec(path);

const layer = (path: string): string | undefined =>
  /^apps\/[^/]+\/src\/(domain|application|infrastructure|api)\//.exec(path)?.[1];
const appOf = (path: string): string | undefined => /^apps\/([^/]+)\//.exec(path)?.[1];
const isPort = (path: string): boolean => /^apps\/[^/]+\/src\/application\/ports\//.test(path);
/** Driving adapters: they receive a request or a record and call the application. */
const isEntryPoint = (path: string): boolean => /\.(controller|consumer)\.ts$/.test(path);

const violations = (rule: (e: Edge) => boolean): string[] =>
  edges.filter((e) => !isTestCode(e.from) && rule(e)).map((e) => `${e.from} -> ${e.to}`);

describe('dependency rules', () => {
  it('sees the import graph (rules over an empty graph prove nothing)', () => {
    expect(edges.filter((e) => layer(e.from) === 'application').length).toBeGreaterThan(5);
    expect(edges.filter((e) => e.to.startsWith('libs/contracts/')).length).toBeGreaterThan(5);
  });

  it('application code depends on ports, not on concrete repositories or other adapters', () => {
    expect(
      violations((e) => layer(e.from) === 'application' && layer(e.to) === 'infrastructure'),
    ).toEqual([]);
  });

  it('controllers call the application, never repositories or other infrastructure', () => {
    expect(violations((e) => layer(e.from) === 'api' && layer(e.to) === 'infrastructure')).toEqual(
      [],
    );
  });

  it('infrastructure implements ports and imports nothing else of the application', () => {
    expect(
      violations(
        (e) =>
          layer(e.from) === 'infrastructure' &&
          !isEntryPoint(e.from) &&
          layer(e.to) === 'application' &&
          !isPort(e.to),
      ),
    ).toEqual([]);
  });

  it('entry points in infrastructure/ are only driving adapters (a consumer belongs beside the API)', () => {
    expect(
      violations(
        (e) =>
          layer(e.from) === 'infrastructure' &&
          isEntryPoint(e.from) &&
          layer(e.to) === 'application',
      ),
    ).toEqual([]);
  });

  it('a service imports no other service', () => {
    expect(
      violations(
        (e) =>
          appOf(e.from) !== undefined && appOf(e.to) !== undefined && appOf(e.from) !== appOf(e.to),
      ),
    ).toEqual([]);
  });

  it('libs never import apps or test code', () => {
    expect(
      violations(
        (e) => e.from.startsWith('libs/') && (e.to.startsWith('apps/') || isTestCode(e.to)),
      ),
    ).toEqual([]);
  });

  it('services and the libs they run on never import the launcher (libs/devstack)', () => {
    expect(
      violations((e) => !e.from.startsWith('libs/devstack/') && e.to.startsWith('libs/devstack/')),
    ).toEqual([]);
  });
});
