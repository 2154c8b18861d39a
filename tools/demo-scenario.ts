import { DEAD_LETTER_TOPICS, ORDER_EVENTS_TOPIC } from '@app/contracts';
import { readDeadLetters } from '@app/messaging';
import { eventually } from '@app/devstack';
import { Kafka, logLevel } from 'kafkajs';

export interface DemoTargets {
  orders: string;
  payments: string;
  readModel: string;
  brokers: string[];
  print: (line: string) => void;
}

interface Order {
  orderId: string;
  status: string;
  total: number;
  currency: string;
  rejectionReason?: string;
}

/**
 * The saga, told step by step: an approval, a rejection for credit, a cancel after approval
 * with its refund, and a poison record that is dead-lettered while the consumers go on.
 */
export async function runDemoScenario(t: DemoTargets): Promise<void> {
  const say = (line: string): void => t.print(`  ${line}`);
  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url, {
      ...init,
      headers: { 'content-type': 'application/json', ...init?.headers },
    });
    if (!res.ok)
      throw new Error(`${init?.method ?? 'GET'} ${url} -> ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const place = (customerId: string, unitPrice: number, quantity: number) =>
    json<Order>(`${t.orders}/orders`, {
      method: 'POST',
      body: JSON.stringify({
        customerId,
        currency: 'EUR',
        items: [{ sku: 'BOOK-1', quantity, unitPrice }],
      }),
      headers: { 'Idempotency-Key': `demo-${customerId}-${unitPrice}-${quantity}` },
    });
  const settled = (orderId: string, statuses: string[]) =>
    eventually(
      async () => {
        const order = await json<Order>(`${t.orders}/orders/${orderId}`);
        return statuses.includes(order.status) ? order : false;
      },
      { timeoutMs: 30_000, what: `order ${orderId} to reach ${statuses.join('/')}` },
    );
  const view = (orderId: string, paymentStatus: string) =>
    eventually(
      async () => {
        const v = await json<{ status: string; paymentStatus: string }>(
          `${t.readModel}/orders/${orderId}`,
        );
        return v.paymentStatus === paymentStatus ? v : false;
      },
      { timeoutMs: 30_000, what: `read model to show ${orderId} with payment ${paymentStatus}` },
    );
  const money = (minor: number) => `${(minor / 100).toFixed(2)} EUR`;

  t.print('\n=== demo 1: an order within credit is approved');
  const a = await place('alice', 2_500, 2);
  say(
    `POST /orders            -> ${a.orderId} ${a.status}, total ${money(a.total)} (OrderCreated in the outbox)`,
  );
  const aDone = await settled(a.orderId, ['APPROVED', 'REJECTED']);
  const aPay = await json<{ status: string }>(`${t.payments}/payments/${a.orderId}`);
  say(`payment-service         -> payment ${aPay.status} (PaymentAuthorized)`);
  say(`order-service           -> ${aDone.status} (OrderApproved)`);
  const aAcc = await json<{ available: number; creditLimit: number }>(
    `${t.payments}/accounts/alice`,
  );
  say(
    `alice's credit          -> ${money(aAcc.available)} of ${money(aAcc.creditLimit)} available`,
  );
  const aView = await view(a.orderId, 'AUTHORIZED');
  say(`read model              -> ${aView.status} / payment ${aView.paymentStatus}`);

  t.print('\n=== demo 2: an order over the credit limit is rejected');
  const b = await place('bob', 150_000, 1);
  say(`POST /orders            -> ${b.orderId} ${b.status}, total ${money(b.total)}`);
  const bDone = await settled(b.orderId, ['APPROVED', 'REJECTED']);
  say(`order-service           -> ${bDone.status} (${bDone.rejectionReason ?? 'no reason'})`);
  const bView = await view(b.orderId, 'REJECTED');
  say(`read model              -> ${bView.status} / payment ${bView.paymentStatus}`);
  const cancelRejected = await fetch(`${t.orders}/orders/${b.orderId}/cancel`, { method: 'POST' });
  say(`POST /orders/:id/cancel -> ${cancelRejected.status} (a rejected order cannot be cancelled)`);

  t.print('\n=== demo 3: an approved order is cancelled and its payment refunded');
  const c = await place('carol', 30_000, 1);
  await settled(c.orderId, ['APPROVED']);
  const before = await json<{ available: number }>(`${t.payments}/accounts/carol`);
  say(`approved; carol's credit -> ${money(before.available)}`);
  const cancelled = await json<Order>(`${t.orders}/orders/${c.orderId}/cancel`, {
    method: 'POST',
    body: JSON.stringify({ reason: 'changed my mind' }),
  });
  say(`POST /orders/:id/cancel -> ${cancelled.status} (OrderCancelled)`);
  const cView = await view(c.orderId, 'REFUNDED');
  const after = await json<{ available: number }>(`${t.payments}/accounts/carol`);
  say(
    `payment-service         -> REFUNDED (PaymentRefunded); carol's credit -> ${money(after.available)}`,
  );
  say(`read model              -> ${cView.status} / payment ${cView.paymentStatus}`);

  t.print('\n=== demo 4: a poison record is dead-lettered, and the consumers go on');
  await deadLetterDemo(t.brokers, say);
  const d = await place('dave', 1_000, 1);
  await view(d.orderId, 'AUTHORIZED');
  say(`an order placed after it -> approved and in the read model: nothing stalled`);

  t.print('\n=== read model: customer summaries');
  for (const customer of ['alice', 'bob', 'carol', 'dave']) {
    const s = await json<{ orders: Record<string, number>; amounts: { outstanding: number }[] }>(
      `${t.readModel}/customers/${customer}/summary`,
    );
    say(
      `${customer.padEnd(6)} orders ${JSON.stringify(s.orders)} outstanding ${money(s.amounts[0]?.outstanding ?? 0)}`,
    );
  }
  t.print('\ndemo done. Try it yourself: see README.md ("Place an order with curl").');
}

async function deadLetterDemo(brokers: string[], say: (line: string) => void): Promise<void> {
  const kafka = new Kafka({ clientId: 'demo', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const key = `demo-poison-${Date.now()}`;
  await producer.send({
    topic: ORDER_EVENTS_TOPIC,
    messages: [{ key, value: Buffer.from('{"not": "an envelope"') }],
  });
  await producer.disconnect();
  say(`produced malformed bytes to ${ORDER_EVENTS_TOPIC} (key ${key})`);

  const letter = await eventually(
    async () =>
      (await readDeadLetters(kafka, DEAD_LETTER_TOPICS['payment-service'])).find(
        (r) => r.key === key,
      ),
    { timeoutMs: 30_000, what: `the poison record in ${DEAD_LETTER_TOPICS['payment-service']}` },
  );
  say(
    `${DEAD_LETTER_TOPICS['payment-service']} <- reason ${letter.reason}, from ` +
      `${letter.source.topic}/${letter.source.partition}@${letter.source.offset}`,
  );
}
