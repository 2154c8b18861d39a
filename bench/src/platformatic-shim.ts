/**
 * B10: @platformatic/kafka behind the small part of kafkajs's API that OutboxRelay uses
 * (kafka.producer() -> connect / sendBatch / disconnect). The package has no kafkajs-compatible
 * layer of its own (only a migration guide), so this maps the calls onto its Producer:
 * idempotent, acks from the call, string serializers, and the Java/kafkajs-compatible murmur2
 * partitioner so that keys land on the same partitions as with kafkajs. Loaded only when the
 * package is installed (it is not a dependency: `npm i -D @platformatic/kafka@1.35.0`).
 */
import type { Kafka, ProducerBatch } from 'kafkajs';

interface PlatformaticMessage {
  topic: string;
  key?: string;
  value?: string;
  headers?: Record<string, string>;
}

interface PlatformaticProducer {
  send(options: { messages: PlatformaticMessage[]; acks?: number }): Promise<unknown>;
  close(): Promise<void>;
}

export interface PlatformaticModule {
  Producer: new (options: Record<string, unknown>) => PlatformaticProducer;
  stringSerializers: unknown;
  compatibilityPartitioner?: unknown;
}

export async function loadPlatformatic(): Promise<PlatformaticModule | null> {
  const specifier = '@platformatic/kafka';
  try {
    const mod: unknown = await import(specifier);
    return mod as PlatformaticModule;
  } catch {
    return null;
  }
}

const asString = (v: string | Buffer | null | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : v.toString('utf8');

export function platformaticAsKafkajs(mod: PlatformaticModule, brokers: string[]): Kafka {
  const producer = () => {
    let inner: PlatformaticProducer | undefined;
    return {
      connect: () => {
        inner = new mod.Producer({
          clientId: 'bench-b10',
          bootstrapBrokers: brokers,
          serializers: mod.stringSerializers,
          idempotent: true,
          acks: -1,
          autocreateTopics: false,
          ...(mod.compatibilityPartitioner ? { partitioner: mod.compatibilityPartitioner } : {}),
        });
        return Promise.resolve();
      },
      sendBatch: async (batch: ProducerBatch) => {
        const messages: PlatformaticMessage[] = (batch.topicMessages ?? []).flatMap((tm) =>
          tm.messages.map((m) => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(m.headers ?? {})) {
              const s = asString(Array.isArray(v) ? v[0] : v);
              if (s !== undefined) headers[k] = s;
            }
            return { topic: tm.topic, key: asString(m.key), value: asString(m.value), headers };
          }),
        );
        await inner!.send({ messages, acks: batch.acks ?? -1 });
        return [];
      },
      disconnect: async () => {
        await inner?.close();
        inner = undefined;
      },
    };
  };
  return { producer } as unknown as Kafka;
}
