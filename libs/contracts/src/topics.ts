import { EVENT_TOPICS, SERVICE_NAMES, TOPOLOGY, type ServiceName } from './topology.js';

export { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from './topology.js';

/** Each consumer group's dead-letter topic, by service (derived from the topology). */
export const DEAD_LETTER_TOPICS = Object.fromEntries(
  SERVICE_NAMES.map((s) => [s, TOPOLOGY[s].deadLetterTopic]),
) as { readonly [S in ServiceName]: (typeof TOPOLOGY)[S]['deadLetterTopic'] };

export type ConsumerGroupName = ServiceName;

export const ALL_TOPICS: readonly string[] = [
  ...EVENT_TOPICS,
  ...Object.values(DEAD_LETTER_TOPICS),
];

export const DEFAULT_PARTITIONS = 6;
