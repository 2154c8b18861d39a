import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { asyncApiDocument } from './asyncapi.js';
import { CATALOGUE } from './catalogue.js';
import type { EventType } from './event-payloads.js';
import { topicOf } from './event-types.js';
import { HEADERS } from './headers.js';
import { schemaOf } from './published-schemas.js';
import { goldenFixtures } from './test/golden-fixtures.js';
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from './topology.js';

const ON_DISK = fileURLToPath(new URL('../../../docs/asyncapi.yaml', import.meta.url));
const doc = asyncApiDocument();

type Node = Record<string, unknown>;
/** The value at a local `$ref` such as '#/components/messages/OrderCreatedV1'. */
const at = (ref: string): Node =>
  ref
    .slice(2)
    .split('/')
    .reduce<Node>((node, key) => node[key] as Node, doc);
const deref = (node: unknown): Node => at((node as { $ref: string }).$ref);
const get = (path: string): Node => at(`#/${path}`);

const versions = Object.entries(CATALOGUE).flatMap(([type, def]) =>
  def.schemas.map((_, i) => ({ type: type as EventType, version: i + 1, def })),
);

describe('docs/asyncapi.yaml', () => {
  it('is what npm run contracts:asyncapi generates from the catalogue today', () => {
    const stale = 'docs/asyncapi.yaml is stale: run npm run contracts:asyncapi';
    expect(parse(readFileSync(ON_DISK, 'utf8')), stale).toEqual(doc);
  });
});

describe('The AsyncAPI document', () => {
  it('is AsyncAPI 3.0.0 on the local Kafka broker', () => {
    expect(doc).toMatchObject({
      asyncapi: '3.0.0',
      info: { title: expect.any(String), version: '1.8.0' },
      servers: { kafka: { host: '127.0.0.1:9092', protocol: 'kafka' } },
    });
  });

  it('has one channel per topic, addressed by the topic name', () => {
    expect(Object.values(get('channels')).map((c) => (c as Node)['address'])).toEqual([
      ORDER_EVENTS_TOPIC,
      PAYMENT_EVENTS_TOPIC,
    ]);
  });

  it.each(versions.map((v) => [`${v.type} v${v.version}`, v] as const))(
    'describes %s on its topic, with its payload schema, headers and key',
    (_, { type, version }) => {
      const channel = Object.values(get('channels')).find(
        (c) => (c as Node)['address'] === topicOf(type),
      ) as Node;
      const message = deref((channel['messages'] as Node)[`${type}V${version}`]);
      expect(message).toMatchObject({ name: type, contentType: 'application/json' });

      const [envelope, narrowed] = (message['payload'] as { allOf: Node[] }).allOf as [Node, Node];
      expect(deref(envelope)).toMatchObject({ required: expect.arrayContaining(['payload']) });
      const properties = narrowed['properties'] as Node;
      expect(properties['schemaVersion']).toEqual({ const: version });
      expect(deref(properties['payload'])).toEqual(schemaOf(type, version));

      const [headers, pinned] = (message['headers'] as { allOf: Node[] }).allOf as [Node, Node];
      expect(deref(headers)['required']).toEqual(['event-type', 'schema-version', 'event-id']);
      expect(Object.keys(deref(headers)['properties'] as Node)).toContain(HEADERS.traceparent);
      expect(pinned['properties']).toEqual({
        'event-type': { const: type },
        'schema-version': { const: String(version) },
      });
      expect(message['bindings']).toMatchObject({
        kafka: { key: { type: 'string', description: expect.stringContaining('orderId') } },
      });
    },
  );

  it('has producers send the current versions and consumers receive every version', () => {
    const summary = Object.fromEntries(
      Object.entries(get('operations')).map(([id, op]) => {
        const { action, channel, messages } = op as Node;
        const names = (messages as { $ref: string }[]).map((m) => m.$ref.split('/').pop());
        return [id, `${String(action)} ${deref(channel)['address'] as string}: ${names.join(' ')}`];
      }),
    );
    const order = 'OrderApprovedV1 OrderRejectedV1 OrderCancelledV1';
    const payment = 'PaymentAuthorizedV1 PaymentRejectedV1 PaymentRefundedV1';
    expect(summary).toEqual({
      orderServiceSendsOrderEvents: `send order.events: OrderCreatedV2 ${order}`,
      orderServiceReceivesPaymentEvents: `receive payment.events: ${payment}`,
      paymentServiceSendsPaymentEvents: `send payment.events: ${payment}`,
      paymentServiceReceivesOrderEvents: `receive order.events: OrderCreatedV1 OrderCreatedV2 ${order}`,
      readModelReceivesOrderEvents: `receive order.events: OrderCreatedV1 OrderCreatedV2 ${order}`,
      readModelReceivesPaymentEvents: `receive payment.events: ${payment}`,
    });
    expect(get('operations/readModelReceivesOrderEvents')['bindings']).toMatchObject({
      kafka: { groupId: { enum: ['read-model'] } },
    });
  });

  it('has no $ref that leads nowhere', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const ref = (node as Node)['$ref'];
      if (typeof ref === 'string') refs.push(ref);
      Object.values(node).forEach(walk);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => at(ref) === undefined)).toEqual([]);
  });

  describe('validates what producers really write', () => {
    // The whole document as one schema, so that its local $refs resolve as a reader's would.
    const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormatsModule.default(ajv, ['uuid', 'date-time']);
    ajv.addSchema(doc, 'asyncapi');
    const validatorOf = (pointer: string) => {
      const validate = ajv.getSchema(`asyncapi#/components/messages/${pointer}`);
      if (validate === undefined) throw new Error(`no schema at ${pointer}`);
      return validate;
    };

    it.each(goldenFixtures().map((f) => [`${f.folder}/v${f.version}`, f] as const))(
      'the golden fixture %s and its headers',
      (_, fixture) => {
        const envelope = JSON.parse(fixture.bytes.toString('utf8')) as Node;
        const id = `${envelope['eventType'] as string}V${fixture.version}`;
        const payload = validatorOf(`${id}/payload`);
        expect(payload(envelope), ajv.errorsText(payload.errors)).toBe(true);
        const headers = validatorOf(`${id}/headers`);
        const written = {
          [HEADERS.eventType]: envelope['eventType'],
          [HEADERS.schemaVersion]: String(envelope['schemaVersion']),
          [HEADERS.eventId]: envelope['eventId'],
          [HEADERS.correlationId]: envelope['correlationId'],
          [HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        };
        expect(headers(written), ajv.errorsText(headers.errors)).toBe(true);
        expect(headers({ ...written, [HEADERS.schemaVersion]: '9' })).toBe(false);
        expect(payload({ ...envelope, schemaVersion: 9 })).toBe(false);
        expect(payload({ ...envelope, payload: {} })).toBe(false);
      },
    );
  });
});
