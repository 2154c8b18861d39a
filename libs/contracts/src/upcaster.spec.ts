import { describe, expect, it } from 'vitest';
import { defineUpcaster, upcast, type Upcaster } from './upcaster.js';

// Fake history of a payload: each step records that it ran, so the order is observable.
interface V1 {
  trail: string[];
}
const steps: Upcaster[] = [
  defineUpcaster(1, (p: V1) => ({ trail: [...p.trail, 'v1->v2'] })),
  defineUpcaster(2, (p: V1) => ({ trail: [...p.trail, 'v2->v3'] })),
  defineUpcaster(3, (p: V1) => ({ trail: [...p.trail, 'v3->v4'] })),
];

describe('upcast', () => {
  it('returns the same payload when it already has the target version (v1 -> v1)', () => {
    const payload = { trail: [] };
    expect(upcast(payload, 1, 1, [])).toBe(payload);
    expect(upcast(payload, 1, 1, steps)).toBe(payload);
  });

  it('applies every step in version order, whatever the order of the list', () => {
    const shuffled = [steps[2], steps[0], steps[1]] as Upcaster[];
    expect(upcast({ trail: [] }, 1, 4, shuffled)).toEqual({
      trail: ['v1->v2', 'v2->v3', 'v3->v4'],
    });
  });

  it('starts from the record version, not from v1', () => {
    expect(upcast({ trail: [] }, 2, 4, steps)).toEqual({ trail: ['v2->v3', 'v3->v4'] });
  });

  it('stops at the target version', () => {
    expect(upcast({ trail: [] }, 1, 2, steps)).toEqual({ trail: ['v1->v2'] });
  });

  it('refuses to skip a version when a step is missing', () => {
    expect(() => upcast({ trail: [] }, 1, 4, [steps[0], steps[2]] as Upcaster[])).toThrow(
      'no upcaster from v2 to v3',
    );
  });

  it('refuses a step that does not lead to the next version', () => {
    const jumping: Upcaster = { from: 1, to: 3, up: (p) => p };
    expect(() => upcast({ trail: [] }, 1, 3, [jumping])).toThrow('no upcaster from v1 to v2');
  });
});
