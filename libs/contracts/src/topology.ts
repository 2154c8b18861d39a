/**
 * The system's wiring, stated once: which services exist, where they listen, which database
 * each owns, which consumer group each runs, what it reads and publishes and where its dead
 * letters go. The services' consumers, the launcher, the tools (dlq, audit, replay) and the
 * tests derive from this; a topic, group or dead-letter topic name appears nowhere else.
 */

/**
 * One topic per stream, keyed by orderId: a topic per event type would lose the per-order
 * ordering across event types. Versions live in the envelope, not in names.
 */
export const ORDER_EVENTS_TOPIC = 'order.events';
export const PAYMENT_EVENTS_TOPIC = 'payment.events';

/** Admin routes (bearer token) a service may serve. */
export const ADMIN_ROUTES = {
  deadLetters: '/admin/dead-letters',
  replay: '/admin/replay',
} as const;
export type AdminRoute = keyof typeof ADMIN_ROUTES;

export interface ServiceTopology {
  /** Process and log name; also the consumer group's and inbox's name. */
  readonly name: string;
  /** HTTP port of `npm start`; a process listens on $PORT when set (the launcher sets it). */
  readonly port: number;
  /** Where tools (audit, dlq, replay) look for the service's base URL. */
  readonly urlEnv: string;
  /** The database the service owns on the shared PostgreSQL. */
  readonly database: string;
  readonly group: string;
  readonly consumes: readonly string[];
  readonly publishes: readonly string[];
  /**
   * One dead-letter topic per consumer group, so that a redrive goes back to exactly the
   * consumer that could not process the record (a record may be fine for another group).
   */
  readonly deadLetterTopic: string;
  readonly admin: readonly AdminRoute[];
}

export const TOPOLOGY = {
  'order-service': {
    name: 'order-service',
    port: 3001,
    urlEnv: 'ORDER_SERVICE_URL',
    database: 'order_service',
    group: 'order-service',
    consumes: [PAYMENT_EVENTS_TOPIC],
    publishes: [ORDER_EVENTS_TOPIC],
    deadLetterTopic: 'order-service.dlt',
    admin: ['deadLetters'],
  },
  'payment-service': {
    name: 'payment-service',
    port: 3002,
    urlEnv: 'PAYMENT_SERVICE_URL',
    database: 'payment_service',
    group: 'payment-service',
    consumes: [ORDER_EVENTS_TOPIC],
    publishes: [PAYMENT_EVENTS_TOPIC],
    deadLetterTopic: 'payment-service.dlt',
    admin: ['deadLetters'],
  },
  'read-model': {
    name: 'read-model',
    port: 3003,
    urlEnv: 'READ_MODEL_URL',
    database: 'read_model',
    group: 'read-model',
    consumes: [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC],
    publishes: [],
    deadLetterTopic: 'read-model.dlt',
    admin: ['deadLetters', 'replay'],
  },
} as const satisfies Record<string, ServiceTopology>;

export type ServiceName = keyof typeof TOPOLOGY;

export const SERVICE_NAMES = Object.keys(TOPOLOGY) as ServiceName[];

export const serviceTopology = (name: ServiceName): ServiceTopology => TOPOLOGY[name];

/** The event streams every service publishes to (the topics the outbox relays write). */
export const EVENT_TOPICS: readonly string[] = [
  ...new Set(SERVICE_NAMES.flatMap((s) => TOPOLOGY[s].publishes)),
];
