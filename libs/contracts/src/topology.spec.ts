import { describe, expect, it } from 'vitest';

import { CATALOGUE } from './catalogue.js';
import { ALL_TOPICS, DEAD_LETTER_TOPICS } from './topics.js';
import {
  ADMIN_ROUTES,
  EVENT_TOPICS,
  SERVICE_NAMES,
  TOPOLOGY,
  type ServiceTopology,
} from './topology.js';

const services: ServiceTopology[] = SERVICE_NAMES.map((name) => TOPOLOGY[name]);
const duplicates = (values: readonly unknown[]): unknown[] =>
  values.filter((v, i) => values.indexOf(v) !== i);

describe('Topology', () => {
  it('names each service by its key', () => {
    for (const name of SERVICE_NAMES) expect(TOPOLOGY[name].name).toBe(name);
  });

  it('gives every service its own port, database, group, URL variable and dead-letter topic', () => {
    for (const field of ['port', 'database', 'group', 'urlEnv', 'deadLetterTopic'] as const)
      expect({ field, duplicates: duplicates(services.map((s) => s[field])) }).toEqual({
        field,
        duplicates: [],
      });
  });

  it('has every consumed topic published by some service', () => {
    const unpublished = services.flatMap((s) =>
      s.consumes.filter((topic) => !EVENT_TOPICS.includes(topic)).map((t) => `${s.name}: ${t}`),
    );
    expect(unpublished).toEqual([]);
  });

  it('has every published topic read by some consumer group', () => {
    const read = new Set(services.flatMap((s) => s.consumes));
    expect(EVENT_TOPICS.filter((topic) => !read.has(topic))).toEqual([]);
  });

  it('has each topic published by exactly one service (one writer per stream)', () => {
    expect(duplicates(services.flatMap((s) => s.publishes))).toEqual([]);
  });

  it('gives a consumer group a dead-letter topic that is no event stream', () => {
    for (const s of services) {
      if (s.consumes.length > 0) expect(EVENT_TOPICS).not.toContain(s.deadLetterTopic);
    }
  });

  it('publishes exactly the topics the event catalogue puts events on', () => {
    const catalogued = new Set(Object.values(CATALOGUE).map((def) => def.topic));
    expect([...EVENT_TOPICS].sort()).toEqual([...catalogued].sort());
  });

  it('lists every event stream and dead-letter topic among the topics the launcher creates', () => {
    expect([...ALL_TOPICS].sort()).toEqual(
      [...EVENT_TOPICS, ...services.map((s) => s.deadLetterTopic)].sort(),
    );
    expect(Object.values(DEAD_LETTER_TOPICS)).toEqual(services.map((s) => s.deadLetterTopic));
  });

  it('puts every admin route under /admin and lets every consumer redrive its dead letters', () => {
    for (const route of Object.values(ADMIN_ROUTES)) expect(route).toMatch(/^\/admin\//);
    for (const s of services) if (s.consumes.length > 0) expect(s.admin).toContain('deadLetters');
  });
});
