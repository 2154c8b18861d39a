import { TOPOLOGY } from '@app/contracts';
import { WARM_CONNECTIONS } from '@app/platform';
import { AssignerProtocol } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';

import { count } from '../support/db.js';
import { e2eStack } from '../support/e2e-stack.js';
import { http } from '../support/http.js';
import { kafkaOf } from '../support/kafka.js';

const SERVICES = ['order-service', 'payment-service', 'read-model'] as const;

interface Readiness {
  status: string;
  details: Record<string, { status: string }>;
}

/**
 * A service says it is ready only once the first orders after that will be as fast as the
 * rest: its consumer holds its partitions (no join or rebalance ahead of the first event),
 * its pool has connections open, and its routes and relay are warm. Each check runs at the
 * moment the launcher sees ready, with no waiting: without the warm-up gate a service is
 * ready as soon as HTTP listens, seconds before its consumer joins its group.
 */
describe('Readiness', () => {
  const stack = e2eStack();
  const admin = kafkaOf(stack, 'e2e-readiness').admin();

  afterAll(async () => {
    await admin.disconnect();
  });

  describe.each(SERVICES)('when %s has just said it is ready', (name) => {
    it('holds every partition it consumes, has pool connections open and reports warm', async () => {
      await stack.stop(name);
      await stack.start(name);
      // Nothing awaited between "ready" and these checks but the checks themselves.
      const ready = await http<Readiness>('GET', `${stack.url(name)}/health/ready`);
      await admin.connect();
      const { group, consumes } = TOPOLOGY[name];
      const [described] = (await admin.describeGroups([group])).groups;
      const connections = await count(
        stack.databaseUrl(name),
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [name],
      );
      const metadata = await admin.fetchTopicMetadata({ topics: [...consumes] });

      expect(ready.status).toBe(200);
      expect(ready.body.details['warm-up']?.status).toBe('up');
      expect(described?.state).toBe('Stable');
      expect(described?.members).toHaveLength(1);
      const assigned = AssignerProtocol.MemberAssignment.decode(
        described!.members[0]!.memberAssignment,
      )?.assignment;
      for (const topic of metadata.topics) {
        expect(
          assigned?.[topic.name]?.slice().sort((a, b) => a - b),
          topic.name,
        ).toEqual(topic.partitions.map((p) => p.partitionId).sort((a, b) => a - b));
      }
      expect(connections).toBeGreaterThanOrEqual(WARM_CONNECTIONS);
    });
  });
});
