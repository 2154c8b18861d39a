import { ORDER_VIEW_COLUMNS, ORDER_VIEW_FIELDS } from './order-view.columns.js';

export const VIEW_TABLES = [
  'order_views',
  'customer_summaries',
  'customer_amounts',
  'parked_events',
] as const;

/**
 * The view tables with their indexes, in a given schema: `public` for the live views
 * (migration). Nothing here depends on when a row was written: timestamps come from events'
 * occurredAt, so a rebuild from the log equals the live tables byte for byte. order_views'
 * columns are ORDER_VIEW_COLUMNS.
 */
export function viewTablesDdl(schema: string): string[] {
  return [...tables(schema, ''), ...viewIndexesDdl(schema)];
}

/**
 * The same tables for a rebuild's scratch schema, as a bulk load wants them: UNLOGGED (no
 * WAL for rows that a crash would make the rebuild start over anyway; the rebuild's sentinel
 * notices) and without the secondary indexes, which the queries need but the fold does not.
 * A rebuild's upserts change the indexed status of most views, so each index would be
 * written again for every change; built once at the end they cost one sort each.
 * finishRebuiltTablesDdl makes them equal to the live tables before they are compared.
 */
export function scratchViewTablesDdl(schema: string): string[] {
  return tables(schema, 'UNLOGGED');
}

/** Turns scratch tables into what viewTablesDdl makes: logged, with every index. */
export function finishRebuiltTablesDdl(schema: string): string[] {
  return [
    ...VIEW_TABLES.map((table) => `ALTER TABLE "${schema}".${table} SET LOGGED`),
    ...viewIndexesDdl(schema),
  ];
}

/** The secondary indexes of order_views: the list queries' orders. */
function viewIndexesDdl(schema: string): string[] {
  const views = `"${schema}".order_views`;
  return [
    `CREATE INDEX order_views_customer ON ${views} (customer_id, created_at DESC, order_id DESC)`,
    `CREATE INDEX order_views_status ON ${views} (status, created_at DESC, order_id DESC)`,
    `CREATE INDEX order_views_recent ON ${views} (created_at DESC, order_id DESC)`,
  ];
}

function tables(schema: string, persistence: '' | 'UNLOGGED'): string[] {
  const t = (name: string): string => `CREATE ${persistence} TABLE "${schema}".${name}`;
  return [
    `${t('order_views')} (
        ${ORDER_VIEW_FIELDS.map((f) => `${ORDER_VIEW_COLUMNS[f].column} ${ORDER_VIEW_COLUMNS[f].type}`).join(',\n        ')}
      )`,
    `${t('customer_summaries')} (
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
    `${t('customer_amounts')} (
        customer_id text NOT NULL,
        currency    text NOT NULL,
        authorized  bigint NOT NULL DEFAULT 0,
        refunded    bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, currency)
      )`,
    // Events that arrived ahead of a gap in their stream wait here until the gap fills.
    `${t('parked_events')} (
        order_id  uuid NOT NULL,
        stream    text NOT NULL,
        sequence  integer NOT NULL,
        envelope  jsonb NOT NULL,
        PRIMARY KEY (order_id, stream, sequence)
      )`,
  ];
}
