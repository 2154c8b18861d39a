import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../tools/otlp/otlp-receiver.js';
import type { FlatSpan } from '../../tools/otlp/jaeger-model.js';
import { approvalSagaProblems } from '../../tools/otlp/saga-trace.js';
import { systemApi } from '../support/api.js';
import { newCustomerId, placeOrder } from '../support/orders.js';

const SERVICES = ['order-service', 'payment-service', 'read-model'] as const;

/**
 * Traces leave the services through the standard OTLP variables, and one saga is one trace:
 * every span's parent is the span that caused it, across HTTP, the outbox, Kafka and the
 * three services.
 */
describe('Tracing', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  let receiver: OtlpReceiver;

  /** The services run again with OTEL_EXPORTER_OTLP_ENDPOINT pointing at our receiver. */
  const restartAll = async (env: NodeJS.ProcessEnv): Promise<void> => {
    for (const name of SERVICES) {
      await stack.stop(name);
      await stack.start(name, { env });
    }
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    await restartAll({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
  });

  afterAll(async () => {
    await restartAll({});
    await receiver?.close();
  });

  describe('when an order is placed and approved', () => {
    it('exports one trace from POST /orders through each publish and consume to the read model', async () => {
      const placed = await placeOrder(api, newCustomerId(), 2_000);

      // The same check the compose test runs on what Jaeger's query API returns.
      const trace = await eventually(
        () => {
          const spans = receiver.spans().map(asFlatSpan);
          // This order's trace: other spec files place orders on the same stack.
          const ours = spans.find(
            (s) => s.attributes['messaging.kafka.message.key'] === placed.orderId,
          );
          expect(ours, `a span for order ${placed.orderId}`).toBeDefined();
          const trace = spans.filter((s) => s.traceId === ours!.traceId);
          expect(approvalSagaProblems(trace)).toEqual([]);
          return trace;
        },
        { timeoutMs: 30_000, what: 'the saga as one trace' },
      );

      const orderCreated = trace.find(
        (s) => s.kind === 'producer' && s.attributes['orderlog.event_type'] === 'OrderCreated',
      );
      expect(orderCreated?.attributes).toMatchObject({
        'messaging.destination.name': 'order.events',
        'messaging.kafka.message.key': placed.orderId,
      });
    });
  });
});

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** A received OTLP span in the shape the saga check reads (Jaeger's span.kind names). */
function asFlatSpan(span: ReceivedSpan): FlatSpan {
  const { traceId, spanId, parentSpanId, name, service, attributes } = span;
  return { traceId, spanId, parentSpanId, name, service, kind: KINDS[span.kind] ?? '', attributes };
}
