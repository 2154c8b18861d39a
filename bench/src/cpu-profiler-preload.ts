/**
 * Loaded into a service with NODE_OPTIONS=--import=<this file> when `npm run bench -- --profile`
 * asks for CPU profiles. SIGWINCH (ignored by default, and not one of the signals Nest's
 * enableShutdownHooks() listens to, as SIGUSR2 is) starts the V8 sampling profiler; the next SIGWINCH stops it
 * and writes <BENCH_PROFILE_DIR>/<name>-<pid>.cpuprofile. (--cpu-prof would only write at a
 * clean exit, and Nest re-raises SIGTERM after its shutdown hooks, so it never does.)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR ?? '.';
const name = process.env.BENCH_PROFILE_NAME ?? 'process';
const session = new Session();
session.connect();
let running = false;
let busy = Promise.resolve();

process.on('SIGWINCH', () => {
  busy = busy.then(async () => {
    if (!running) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
      running = true;
      return;
    }
    const { profile } = await session.post('Profiler.stop');
    running = false;
    writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(profile));
  });
});
