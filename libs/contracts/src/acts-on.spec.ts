import { describe, expect, it } from 'vitest';

import { ACTS_ON } from './acts-on.js';
import { CATALOGUE } from './catalogue.js';
import { isEventType, topicOf } from './event-types.js';
import { SERVICE_NAMES, TOPOLOGY } from './topology.js';

describe('The event types each consumer group acts on', () => {
  it('are events on the topics the group reads', () => {
    for (const group of SERVICE_NAMES)
      for (const type of ACTS_ON[group]) {
        expect(isEventType(type), type).toBe(true);
        if (isEventType(type)) expect(TOPOLOGY[group].consumes).toContain(topicOf(type));
      }
  });

  it('include every event type for the read model, which projects them all', () => {
    expect([...ACTS_ON['read-model']].sort()).toEqual(Object.keys(CATALOGUE).sort());
  });
});
