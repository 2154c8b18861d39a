#!/usr/bin/env node
// `npm test`: lint, typecheck + build, unit tests, then integration and end-to-end tests
// against ONE real PostgreSQL and ONE real Kafka broker that this script starts (through the
// project's launcher) and stops by pid at the end, then the core chaos scenarios (each on a
// stack of its own), then a two-minute nemesis on a three-node cluster. The last line is
// "N passed, N failed".
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, '.test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

let passed = 0;
let failed = 0;
const lines = [];

/** What runs now (a tier's vitest, the nemesis), and the shared infrastructure once started. */
const children = new Set();
let infraChild;
// Interrupted (SIGTERM to this pid, Ctrl-C, a closed terminal), `npm test` passes SIGTERM to
// what it runs (vitest and the nemesis stop what they started, by pid, on their way out),
// waits for them, stops the shared infrastructure and exits: nothing it started outlives it.
// A second signal exits at once.
let interrupted = false;
for (const [name, number] of [
  ['SIGTERM', 15],
  ['SIGINT', 2],
  ['SIGHUP', 1],
]) {
  process.on(name, () => {
    if (interrupted) process.exit(128 + number);
    interrupted = true;
    console.error(`\n=== ${name}: stopping what npm test started`);
    const exited = [...children].map((child) => exitOf(child));
    for (const child of children) child.kill('SIGTERM');
    void Promise.all(exited)
      .then(() => (infraChild ? stopInfra(infraChild) : undefined))
      .finally(() => process.exit(128 + number));
  });
}

function exitOf(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Runs a command to its end. With `limitMs`, a command still running then gets SIGTERM (by
 * its pid; the nemesis then stops what it started and exits), and SIGKILL a minute later.
 */
/** Once interrupted, the main flow stops here for good: the handler stops and exits. */
const halted = () => new Promise(() => undefined);

function run(cmd, args, env = {}, limitMs = undefined) {
  if (interrupted) return halted();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    children.add(child);
    const timers = [];
    if (limitMs !== undefined) {
      timers.push(
        setTimeout(() => {
          console.error(`\n=== ${cmd} still running after ${limitMs / 60_000} min: SIGTERM`);
          child.kill('SIGTERM');
          timers.push(setTimeout(() => child.kill('SIGKILL'), 60_000));
        }, limitMs),
      );
    }
    child.on('exit', (code, signal) => {
      children.delete(child);
      for (const timer of timers) clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function check(name, cmd, args, limitMs = undefined) {
  if (interrupted) return halted();
  const started = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const code = await run(cmd, args, {}, limitMs);
  const ok = code === 0;
  if (ok) passed += 1;
  else failed += 1;
  lines.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

async function vitest(name, projects, env = {}) {
  if (interrupted) return halted();
  const started = Date.now();
  const out = join(results, `${name}.json`);
  // vitest itself, not through npx: a signal sent to the child must reach vitest.
  const args = [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
  ];
  console.log(`\n=== ${name}: vitest ${args.slice(1).join(' ')}`);
  const code = await run(process.execPath, args, env);
  let p = 0;
  let f = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    p = report.numPassedTests;
    f = report.numFailedTests;
    // A suite that failed to load counts as a failure even though no test ran.
    f += report.testResults.filter(
      (r) => r.status === 'failed' && r.assertionResults.length === 0,
    ).length;
  }
  if (code !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  lines.push(
    `${code === 0 ? 'ok  ' : 'FAIL'} ${name}: ${p} passed, ${f} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

/** Starts the launcher's infra profile and resolves with its brokers and admin URL. */
function startInfra() {
  if (interrupted) return halted();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'dist/tools/stack.js'), 'infra', '--profile', 'test'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    infraChild = child;
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffer += chunk;
      const match = /^READY (.*)$/m.exec(buffer);
      if (match) resolve({ child, info: JSON.parse(match[1]) });
    });
    child.on('exit', (code) =>
      reject(new Error(`infrastructure exited with ${code} before it was ready`)),
    );
  });
}

/** Stops the infrastructure once, however often it is asked (a signal and the main flow). */
const stopping = new WeakMap();
function stopInfra(child) {
  if (!stopping.has(child))
    stopping.set(
      child,
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
    );
  return stopping.get(child);
}

const started = Date.now();
await check('lint', 'npm', ['run', '--silent', 'lint']);
const typed = await check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
const built = await check('build', 'npm', ['run', '--silent', 'build']);
await vitest('unit', ['unit']);

if (built && typed) {
  let infra;
  try {
    infra = await startInfra();
    await vitest('integration+e2e', ['int', 'e2e'], {
      KAFKA_BROKERS: infra.info.brokers.join(','),
      DATABASE_URL: infra.info.adminUrl,
    });
  } catch (error) {
    console.error(error);
    failed += 1;
    lines.push(`FAIL infrastructure: ${error.message}`);
  } finally {
    if (infra) await stopInfra(infra.child);
  }
  // The core fault-injection scenarios. Each spec starts (and kills, and restarts) a stack of
  // its own, so they run after the shared infrastructure is gone; the rest run with
  // `npm run chaos`.
  await vitest('chaos-core', ['chaos'], { CHAOS_SCOPE: 'core' });
  // A short nemesis on the three-node cluster with two instances of each service: two minutes
  // of seeded faults (a fixed seed, so a failure replays with the same schedule), then quiet,
  // the auditor and a report under .nemesis/. It stops every process it started by pid, also
  // when it is interrupted (the limit below). Longer: `npm run nemesis -- --minutes 30`.
  await check(
    'nemesis (2 min, seed 42)',
    process.execPath,
    [join(root, 'dist/tools/nemesis.js'), '--minutes', '2', '--seed', '42'],
    40 * 60_000,
  );
} else {
  failed += 1;
  lines.push('FAIL integration+e2e, chaos: not run (the build failed)');
}

console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s)`);
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
