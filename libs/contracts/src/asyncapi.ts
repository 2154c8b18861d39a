import { CATALOGUE, type Catalogue } from './catalogue.js';
import { envelopeSchema } from './envelope.schema.js';
import {
  eventHeadersSchema,
  eventMessage,
  KAFKA_BINDING_VERSION,
  messageIdOf,
  payloadSchemaIdOf,
} from './asyncapi-messages.js';
import { DEFAULT_PARTITIONS } from './topics.js';
import { SERVICE_NAMES, TOPOLOGY, type ServiceTopology } from './topology.js';

/** Who writes and who reads each stream, and the consumer group each reader reads in. */
const APPLICATIONS = SERVICE_NAMES.map((name) => {
  const service: ServiceTopology = TOPOLOGY[name];
  return { name, group: service.group, sends: service.publishes, receives: service.consumes };
});

/** 'order.events' -> 'orderEvents', 'read-model' -> 'readModel'. */
const camel = (name: string): string =>
  name.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string): string => camel(name).replace(/^\w/, (c) => c.toUpperCase());

interface Version {
  eventType: string;
  version: number;
  current: number;
}

/**
 * The AsyncAPI 3.0.0 description of the event streams, derived from the catalogue only, so that
 * it cannot drift from what producers validate and consumers decode. Producers are described
 * as sending the current version of each event; consumers as receiving every version ever
 * published, because they must (invariant 8).
 */
export function asyncApiDocument(catalogue: Catalogue = CATALOGUE): Record<string, unknown> {
  const versionsOn = new Map<string, Version[]>();
  for (const [eventType, def] of Object.entries(catalogue)) {
    const versions = def.schemas.map((_, i) => ({
      eventType,
      version: i + 1,
      current: def.currentVersion,
    }));
    versionsOn.set(def.topic, [...(versionsOn.get(def.topic) ?? []), ...versions]);
  }
  const all = [...versionsOn.values()].flat();
  const messageRefs = (topic: string, versions: Version[]): Record<string, unknown>[] =>
    versions.map((v) => ({
      $ref: `#/channels/${camel(topic)}/messages/${messageIdOf(v.eventType, v.version)}`,
    }));

  const channels = Object.fromEntries(
    [...versionsOn].map(([topic, versions]) => [
      camel(topic),
      {
        address: topic,
        title: topic,
        description:
          'One stream keyed by orderId, so that the events of one order keep their order. ' +
          'The version of each record is in its envelope and headers, never in the topic name.',
        servers: [{ $ref: '#/servers/kafka' }],
        messages: Object.fromEntries(
          versions.map(({ eventType, version }) => {
            const id = messageIdOf(eventType, version);
            return [id, { $ref: `#/components/messages/${id}` }];
          }),
        ),
        bindings: {
          kafka: { partitions: DEFAULT_PARTITIONS, bindingVersion: KAFKA_BINDING_VERSION },
        },
      },
    ]),
  );

  const operations: Record<string, unknown> = {};
  for (const app of APPLICATIONS) {
    for (const topic of app.sends.filter((t) => versionsOn.has(t))) {
      operations[`${camel(app.name)}Sends${pascal(topic)}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${camel(topic)}` },
        summary: `${app.name} relays its outbox to ${topic}, in the current version of each event.`,
        messages: messageRefs(
          topic,
          versionsOn.get(topic)?.filter((v) => v.version === v.current) ?? [],
        ),
      };
    }
    for (const topic of app.receives.filter((t) => versionsOn.has(t))) {
      operations[`${camel(app.name)}Receives${pascal(topic)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${camel(topic)}` },
        summary: `${app.name} consumes ${topic}: every version, older ones upcast; unknown fields ignored.`,
        messages: messageRefs(topic, versionsOn.get(topic) ?? []),
        bindings: {
          kafka: {
            groupId: { type: 'string', enum: [app.group] },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Order domain events',
      // The minor counts the published (event, version) pairs: contracts only grow, so the
      // document never needs a major version and every new version raises the number.
      version: `1.${all.length}.0`,
      description:
        'Events of the order saga on Kafka, generated from libs/contracts by ' +
        '`npm run contracts:asyncapi`; do not edit by hand. Every record is a JSON envelope ' +
        'keyed by orderId. Consumers read every version ever published and ignore unknown fields.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The local broker that `npm start` runs; KAFKA_BROKERS points at another.',
      },
    },
    channels,
    operations,
    components: {
      schemas: {
        EventEnvelope: envelopeSchema,
        EventHeaders: eventHeadersSchema,
        ...Object.fromEntries(
          all.map(({ eventType, version }) => [
            payloadSchemaIdOf(eventType, version),
            catalogue[eventType]?.schemas[version - 1],
          ]),
        ),
      },
      messages: Object.fromEntries(
        all.map(({ eventType, version, current }) => [
          messageIdOf(eventType, version),
          eventMessage(eventType, version, current),
        ]),
      ),
    },
  };
}
