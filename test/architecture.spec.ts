import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every `import … from '…'` / `export … from '…'` / `import('…')` with whether it is type-only. */
function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(statement))
    found.push({ specifier: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm))
    found.push({ specifier: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ specifier: m[1]!, typeOnly: false });
  return found;
}

const domains = ['order-service', 'payment-service'].map((app) =>
  join(root, 'apps', app, 'src', 'domain'),
);

describe('architecture: domain/ folders are pure', () => {
  for (const domain of domains) {
    describe(relative(root, domain), () => {
      const files = tsFiles(domain);

      it('has domain code to check', () => {
        expect(files.length).toBeGreaterThan(0);
      });

      it('imports no framework, ORM, Kafka, database or Node I/O module, and no other layer', () => {
        const violations = files.flatMap((file) =>
          importsOf(readFileSync(file, 'utf8'))
            .filter(({ specifier, typeOnly }) => {
              if (specifier.startsWith('.')) {
                // Relative imports must stay inside domain/.
                return !resolve(dirname(file), specifier).startsWith(domain);
              }
              // The published language is shared; only its types may be used here.
              return !(specifier === '@app/contracts' && typeOnly);
            })
            .map(({ specifier }) => `${relative(root, file)} imports ${specifier}`),
        );
        expect(violations).toEqual([]);
      });

      it('takes time and ids from outside (no Date.now, new Date(), Math.random or randomUUID)', () => {
        const violations = files.filter((file) =>
          /Date\.now\(|new Date\(\)|Math\.random\(|randomUUID\(/.test(readFileSync(file, 'utf8')),
        );
        expect(violations.map((f) => relative(root, f))).toEqual([]);
      });
    });
  }

  it('notices a forbidden import (self-check of the rule)', () => {
    expect(importsOf(`import { Injectable } from '@nestjs/common';`)).toEqual([
      { specifier: '@nestjs/common', typeOnly: false },
    ]);
    expect(importsOf(`import type { OrderItem } from '@app/contracts';`)).toEqual([
      { specifier: '@app/contracts', typeOnly: true },
    ]);
  });
});
