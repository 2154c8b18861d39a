import { ORDER_VIEW_COLUMNS, ORDER_VIEW_FIELDS } from './order-view.columns.js';

/**
 * The view tables, in a given schema: `public` for the live views (migration), a scratch
 * schema for a rebuild that fills fresh tables beside the live ones. Nothing here depends on
 * when a row was written: timestamps come from events' occurredAt, so a rebuild from the log
 * equals the live tables byte for byte. order_views' columns are ORDER_VIEW_COLUMNS.
 */
export function viewTablesDdl(schema: string): string[] {
  const t = (name: string): string => `"${schema}".${name}`;
  return [
    `CREATE TABLE ${t('order_views')} (
        ${ORDER_VIEW_FIELDS.map((f) => `${ORDER_VIEW_COLUMNS[f].column} ${ORDER_VIEW_COLUMNS[f].type}`).join(',\n        ')}
      )`,
    `CREATE INDEX order_views_customer ON ${t('order_views')} (customer_id, created_at DESC, order_id DESC)`,
    `CREATE INDEX order_views_status ON ${t('order_views')} (status, created_at DESC, order_id DESC)`,
    `CREATE INDEX order_views_recent ON ${t('order_views')} (created_at DESC, order_id DESC)`,
    `CREATE TABLE ${t('customer_summaries')} (
        customer_id         text PRIMARY KEY,
        orders              integer NOT NULL DEFAULT 0,
        pending             integer NOT NULL DEFAULT 0,
        approved            integer NOT NULL DEFAULT 0,
        rejected            integer NOT NULL DEFAULT 0,
        cancelled           integer NOT NULL DEFAULT 0,
        payments_authorized integer NOT NULL DEFAULT 0,
        payments_rejected   integer NOT NULL DEFAULT 0,
        payments_refunded   integer NOT NULL DEFAULT 0
      )`,
    `CREATE TABLE ${t('customer_amounts')} (
        customer_id text NOT NULL,
        currency    text NOT NULL,
        authorized  bigint NOT NULL DEFAULT 0,
        refunded    bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, currency)
      )`,
    // Events that arrived ahead of a gap in their stream wait here until the gap fills.
    `CREATE TABLE ${t('parked_events')} (
        order_id  uuid NOT NULL,
        stream    text NOT NULL,
        sequence  integer NOT NULL,
        envelope  jsonb NOT NULL,
        PRIMARY KEY (order_id, stream, sequence)
      )`,
  ];
}

export const VIEW_TABLES = [
  'order_views',
  'customer_summaries',
  'customer_amounts',
  'parked_events',
] as const;
