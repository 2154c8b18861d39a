import {
  ADMIN_ROUTES,
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  SERVICE_NAMES,
  TOPOLOGY,
  type ServiceName,
} from '@app/contracts';
import { readTopic } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';

import { httpGet } from '../http-get.js';
import { factsFromLog, type OrderFacts } from './log-facts.js';

export interface AuditTargets {
  /** Base URL of each service. */
  urls: Record<ServiceName, string>;
  brokers: string[];
  adminToken: string;
}

export interface AuditReport {
  ok: boolean;
  orders: number;
  byStatus: Record<string, number>;
  customers: number;
  records: { orderEvents: number; paymentEvents: number; resent: number; undecodable: number };
  deadLetters: Record<string, number>;
  outboxBacklog: Record<string, number>;
  consumerLag: number;
  violations: string[];
}

/**
 * Checks a running system from the outside (its REST APIs, metrics and topics): every
 * order's state agrees across the log and the three services, every saga ended consistently,
 * money is conserved for every customer (invariant 5), every outbox row is published, and
 * no consumer lags. With `waitMs`, it re-audits until clean or the time is up (the system
 * is eventually consistent).
 */
export async function audit(
  t: AuditTargets,
  opts: { waitMs?: number; concurrency?: number } = {},
): Promise<AuditReport> {
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    const report = await auditOnce(t, opts.concurrency ?? 16);
    if (report.ok || Date.now() >= deadline) return report;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function auditOnce(t: AuditTargets, concurrency: number): Promise<AuditReport> {
  const kafka = new Kafka({ clientId: 'auditor', brokers: t.brokers, logLevel: logLevel.NOTHING });
  const [orderLog, paymentLog] = await Promise.all([
    readTopic(kafka, ORDER_EVENTS_TOPIC),
    readTopic(kafka, PAYMENT_EVENTS_TOPIC),
  ]);
  const facts = factsFromLog(orderLog, paymentLog);
  const violations = [...facts.violations];
  const get = async <T>(url: string): Promise<{ status: number; body: T | null }> => {
    const res = await httpGet(url, { headers: { authorization: `Bearer ${t.adminToken}` } });
    return { status: res.status, body: res.ok ? ((await res.json()) as T) : null };
  };

  const orders = [...facts.orders.values()];
  await inBatches(orders, concurrency, (o) => checkOrder(o, t, get, violations));

  const customers = new Map<string, OrderFacts[]>();
  for (const o of orders) customers.set(o.customerId, [...(customers.get(o.customerId) ?? []), o]);
  await inBatches([...customers], concurrency, async ([customerId, owned]) => {
    const account = await get<{ creditLimit: number; available: number }>(
      `${t.urls['payment-service']}/accounts/${encodeURIComponent(customerId)}`,
    );
    const reserved = owned
      .filter((o) => o.paymentStatus === 'AUTHORIZED')
      .reduce((n, o) => n + o.paymentAmount, 0);
    if (!account.body) violations.push(`customer ${customerId}: no account (${account.status})`);
    else if (account.body.available !== account.body.creditLimit - reserved) {
      violations.push(
        `customer ${customerId}: available ${account.body.available} != limit ${account.body.creditLimit} - authorized ${reserved} (invariant 5)`,
      );
    }
  });

  const outboxBacklog: Record<string, number> = {};
  let consumerLag = 0;
  for (const name of SERVICE_NAMES) {
    const metrics = await (await httpGet(`${t.urls[name]}/metrics`)).text();
    // Only a service that publishes has an outbox.
    if (TOPOLOGY[name].publishes.length > 0) {
      outboxBacklog[name] = metricSum(metrics, 'outbox_backlog_rows');
      if (outboxBacklog[name] > 0)
        violations.push(`${name}: ${outboxBacklog[name]} outbox rows unpublished`);
    }
    consumerLag += metricSum(metrics, 'kafka_consumer_lag');
  }
  if (consumerLag > 0) violations.push(`consumers lag by ${consumerLag} records`);

  const deadLetters: Record<string, number> = {};
  for (const name of SERVICE_NAMES) {
    const list = await get<{ items: unknown[] }>(`${t.urls[name]}${ADMIN_ROUTES.deadLetters}`);
    deadLetters[TOPOLOGY[name].deadLetterTopic] = list.body?.items.length ?? -1;
  }

  const byStatus: Record<string, number> = {};
  for (const o of orders)
    byStatus[o.orderStatus ?? 'UNKNOWN'] = (byStatus[o.orderStatus ?? 'UNKNOWN'] ?? 0) + 1;
  return {
    ok: violations.length === 0,
    orders: orders.length,
    byStatus,
    customers: customers.size,
    records: {
      orderEvents: orderLog.length,
      paymentEvents: paymentLog.length,
      resent: facts.resent,
      undecodable: facts.undecodable,
    },
    deadLetters,
    outboxBacklog,
    consumerLag,
    violations,
  };
}

type Get = <T>(url: string) => Promise<{ status: number; body: T | null }>;

async function checkOrder(
  o: OrderFacts,
  t: AuditTargets,
  get: Get,
  violations: string[],
): Promise<void> {
  const where = `order ${o.orderId}`;
  const saga = sagaProblem(o);
  if (saga) violations.push(`${where}: ${saga}`);
  const [order, payment, view] = await Promise.all([
    get<{ status: string }>(`${t.urls['order-service']}/orders/${o.orderId}`),
    get<{ status: string }>(`${t.urls['payment-service']}/payments/${o.orderId}`),
    get<{
      status: string;
      paymentStatus: string | null;
      lastSequence?: { order: number; payment: number };
    }>(`${t.urls['read-model']}/orders/${o.orderId}`),
  ]);
  if (order.body?.status !== o.orderStatus)
    violations.push(
      `${where}: order-service says ${order.body?.status ?? order.status}, the log ${o.orderStatus}`,
    );
  if ((payment.body?.status ?? null) !== o.paymentStatus)
    violations.push(
      `${where}: payment-service says ${payment.body?.status ?? payment.status}, the log ${o.paymentStatus}`,
    );
  if (
    view.body?.status !== o.orderStatus ||
    (view.body?.paymentStatus ?? null) !== o.paymentStatus
  ) {
    violations.push(
      `${where}: read model says ${view.body?.status ?? view.status}/${view.body?.paymentStatus ?? '-'}, the log ${o.orderStatus}/${o.paymentStatus}`,
    );
  }
  const seq = view.body?.lastSequence;
  if (seq && (seq.order !== o.lastSequence.order || seq.payment !== o.lastSequence.payment)) {
    violations.push(
      `${where}: read model at sequences ${seq.order}/${seq.payment}, the log at ${o.lastSequence.order}/${o.lastSequence.payment}`,
    );
  }
}

/** How a finished saga may end (invariant 5's second half). */
function sagaProblem(o: OrderFacts): string | null {
  if (o.orderStatus === null) return 'payment events without OrderCreated';
  if (o.orderStatus === 'PENDING') return 'still PENDING (no payment decision applied)';
  if (o.orderStatus === 'APPROVED' && o.paymentStatus !== 'AUTHORIZED')
    return `APPROVED with payment ${o.paymentStatus}`;
  if (o.orderStatus === 'REJECTED' && o.paymentStatus !== 'REJECTED')
    return `REJECTED with payment ${o.paymentStatus}`;
  if (o.orderStatus === 'CANCELLED' && o.paymentStatus === 'AUTHORIZED')
    return 'CANCELLED but its payment is still AUTHORIZED';
  return null;
}

function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function inBatches<T>(
  items: T[],
  size: number,
  each: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size)
    await Promise.all(items.slice(i, i + size).map(each));
}
