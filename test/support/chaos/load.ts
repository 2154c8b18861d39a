// The open-loop load lives in the devstack library, so the nemesis (tools/nemesis.ts) runs the
// same client as the chaos specs.
export { startLoad, type Load, type LoadOptions, type LoadResult } from '@app/devstack';
