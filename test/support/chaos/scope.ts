/**
 * `npm test` runs only the core chaos scenarios (tools/run-tests.mjs sets CHAOS_SCOPE=core);
 * `npm run chaos` runs them all. Non-core describe blocks use `describe.runIf(FULL_CHAOS)`.
 */
export const FULL_CHAOS = process.env.CHAOS_SCOPE !== 'core';
