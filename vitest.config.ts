import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// SWC instead of esbuild/oxc: Nest's dependency injection needs emitDecoratorMetadata.
const plugins = [
  swc.vite({
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  }),
];

// Mirrors the `paths` of tsconfig.base.json (exact matches, most specific first).
const resolve = {
  alias: [
    // Test helpers: `@test/support/x.js` is test/support/x.ts (for specs outside test/).
    { find: /^@test\/support\/(.+)\.js$/, replacement: here('./test/support/') + '$1.ts' },
    { find: /^@app\/contracts$/, replacement: here('./libs/contracts/src/index.ts') },
    { find: /^@app\/messaging$/, replacement: here('./libs/messaging/src/index.ts') },
    { find: /^@app\/platform$/, replacement: here('./libs/platform/src/index.ts') },
    { find: /^@app\/devstack$/, replacement: here('./libs/devstack/src/index.ts') },
  ],
};

const shared = { plugins, resolve };

export default defineConfig({
  ...shared,
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: [
            'apps/**/*.spec.ts',
            'libs/**/*.spec.ts',
            'tools/**/*.spec.ts',
            'test/**/*.spec.ts',
          ],
        },
      },
      {
        ...shared,
        test: {
          name: 'int',
          include: ['apps/**/*.int-spec.ts', 'libs/**/*.int-spec.ts', 'test/**/*.int-spec.ts'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Specs share one broker and one PostgreSQL; each spec uses its own database and topics.
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts', 'apps/**/*.e2e-spec.ts'],
          globalSetup: ['./test/support/e2e-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.chaos-spec.ts'],
          // Each spec starts its own PostgreSQL, Kafka and services (they kill and restart
          // them), so specs run one at a time and hooks get time to start a whole stack. On a
          // loaded machine a three-node stack took over 4 min to start and the two-down
          // scenario 406 s of its 420 s: the limits leave room for that.
          testTimeout: 600_000,
          hookTimeout: 480_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
