import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../tools/otlp/otlp-receiver.js';
import { systemApi } from '../support/api.js';
import { newCustomerId, placeOrder } from '../support/orders.js';

const SERVICES = ['order-service', 'payment-service', 'read-model'] as const;
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

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
      const find = (
        spans: ReceivedSpan[],
        service: string,
        kind: number,
        eventType?: string,
      ): ReceivedSpan => {
        const found = spans.filter(
          (s) =>
            s.service === service &&
            s.kind === kind &&
            (eventType === undefined || s.attributes['orderlog.event_type'] === eventType),
        );
        expect(found, `${service} kind ${kind} ${eventType ?? ''}`).toHaveLength(1);
        return found[0]!;
      };

      const chain = await eventually(
        () => {
          const request = receiver
            .spans()
            .find(
              (s) =>
                s.name === 'POST /orders' &&
                s.kind === SERVER &&
                s.service === 'order-service' &&
                s.attributes['http.response.status_code'] === 201,
            );
          expect(
            request,
            `the POST /orders span among ${JSON.stringify(receiver.spans().map((s) => `${s.service}: ${s.name}`))}`,
          ).toBeDefined();
          const trace = receiver.spans().filter((s) => s.traceId === request!.traceId);
          return {
            request: request!,
            orderCreated: find(trace, 'order-service', PRODUCER, 'OrderCreated'),
            paymentConsumes: find(trace, 'payment-service', CONSUMER, 'OrderCreated'),
            paymentAuthorized: find(trace, 'payment-service', PRODUCER, 'PaymentAuthorized'),
            orderConsumes: find(trace, 'order-service', CONSUMER, 'PaymentAuthorized'),
            orderApproved: find(trace, 'order-service', PRODUCER, 'OrderApproved'),
            viewUpdates: find(trace, 'read-model', CONSUMER, 'OrderApproved'),
          };
        },
        { timeoutMs: 30_000, what: 'the saga trace' },
      );

      expect(chain.request.parentSpanId).toBe('');
      const links = [
        [chain.request, chain.orderCreated],
        [chain.orderCreated, chain.paymentConsumes],
        [chain.paymentConsumes, chain.paymentAuthorized],
        [chain.paymentAuthorized, chain.orderConsumes],
        [chain.orderConsumes, chain.orderApproved],
        [chain.orderApproved, chain.viewUpdates],
      ] as const;
      for (const [parent, child] of links) {
        expect(child.traceId, child.name).toBe(chain.request.traceId);
        expect(child.parentSpanId, `${child.service} ${child.name}`).toBe(parent.spanId);
      }
      expect(chain.orderCreated.attributes).toMatchObject({
        'messaging.destination.name': 'order.events',
        'messaging.kafka.message.key': placed.orderId,
      });
    });
  });
});
