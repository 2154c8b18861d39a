import type { ServiceTopology } from '@app/contracts';
import type { INestApplication, Provider } from '@nestjs/common';

import {
  CONSUMER_SUBSCRIPTION,
  EventTransport,
  type ConsumerSubscription,
} from './event-transport.js';

/** The providers of a service that consumes events: its subscription (from the topology) and the transport. */
export function eventTransport(service: ServiceTopology): Provider[] {
  const subscription: ConsumerSubscription = {
    groupId: service.group,
    topics: service.consumes,
    deadLetterTopic: service.deadLetterTopic,
  };
  return [{ provide: CONSUMER_SUBSCRIPTION, useValue: subscription }, EventTransport];
}

/**
 * Makes the application hybrid: HTTP plus the event transport. Returns at once; the consumer
 * joins its group in the background (see EventTransport.listen).
 */
export async function startEventTransport(app: INestApplication): Promise<void> {
  const strategy = app.get(EventTransport, { strict: false });
  app.connectMicroservice({ strategy });
  await app.startAllMicroservices();
}
