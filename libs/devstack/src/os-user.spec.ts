import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { unreachableAncestor, type OsUser } from './os-user.js';

/** Someone who owns nothing here: only the "others" permission bits apply to them. */
const stranger: OsUser = { name: 'stranger', uid: 424242, gid: 424242 };

describe('unreachableAncestor', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('names the 0700 folder a checkout sits below', () => {
    const closed = mkdtempSync(join(tmpdir(), 'reach-spec-')); // mode 0700
    dirs.push(closed);
    const bin = join(closed, 'app', 'node_modules', 'bin');
    mkdirSync(bin, { recursive: true });

    expect(unreachableAncestor(bin, stranger)).toBe(closed);
  });

  it('finds nothing in the way once every folder lets others pass', () => {
    const open = mkdtempSync(join(tmpdir(), 'reach-spec-'));
    dirs.push(open);
    chmodSync(open, 0o711);
    const bin = join(open, 'bin');
    mkdirSync(bin, { mode: 0o755 });

    expect(unreachableAncestor(bin, stranger)).toBeUndefined();
  });

  it('lets the owner through its own 0700 folder', () => {
    const own = mkdtempSync(join(tmpdir(), 'reach-spec-'));
    dirs.push(own);
    const owner: OsUser = { name: 'me', uid: process.getuid!(), gid: process.getgid!() };

    expect(unreachableAncestor(own, owner)).toBeUndefined();
  });
});
