import type { DomainEvent, EventStream } from '@app/contracts';
import { queryPrepared, type PreparedStatement } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import type { LoadedOrder, ParkedKey } from '../projections/fold-chunk.js';
import type { OrderView } from '../projections/order-view.js';
import {
  ORDER_VIEW_COLUMNS,
  ORDER_VIEW_FIELDS,
  selectOrderViewColumns,
} from './order-view.columns.js';
import { orderViewOfRow } from './order-view.row.js';

const column = (f: keyof OrderView): string => ORDER_VIEW_COLUMNS[f].column;
/** The column's SQL type without its constraints: `uuid PRIMARY KEY` → `uuid`. */
const sqlType = (f: keyof OrderView): string => ORDER_VIEW_COLUMNS[f].type.split(' ')[0]!;

// The rows travel as one JSON array of OrderViews: JSON.stringify and PostgreSQL's json
// parser are native, where one text array per column costs pg's per-element escaping in JS.
// Every statement is prepared once per connection (queryPrepared); a rebuild's search_path
// makes PostgreSQL resolve the tables again, to the scratch schema.
const UPSERT_VIEWS: PreparedStatement = {
  name: 'views-upsert',
  text: `INSERT INTO order_views (${ORDER_VIEW_FIELDS.map(column).join(', ')})
  SELECT ${ORDER_VIEW_FIELDS.map((f) => `"${f}"`).join(', ')}
    FROM json_to_recordset($1::json) AS v(${ORDER_VIEW_FIELDS.map((f) => `"${f}" ${sqlType(f)}`).join(', ')})
  ON CONFLICT (order_id) DO UPDATE SET ${ORDER_VIEW_FIELDS.filter((f) => f !== 'orderId')
    .map((f) => `${column(f)} = EXCLUDED.${column(f)}`)
    .join(', ')}`,
};
const LOAD_VIEWS = `SELECT ${selectOrderViewColumns('v')},
          (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'stream', p.stream, 'sequence', p.sequence, 'envelope', p.envelope)), '[]')
             FROM parked_events p WHERE p.order_id = v.order_id) AS "parked"
     FROM order_views v
    WHERE v.order_id = ANY(ARRAY(SELECT json_array_elements_text($1::json)::uuid))
    ORDER BY v.order_id FOR UPDATE OF v`;
const PARK: PreparedStatement = {
  name: 'views-park',
  text: `INSERT INTO parked_events (order_id, stream, sequence, envelope)
   SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::jsonb[])
   ON CONFLICT DO NOTHING`,
};
const UNPARK: PreparedStatement = {
  name: 'views-unpark',
  text: `DELETE FROM parked_events p
    USING unnest($1::uuid[], $2::text[], $3::int[]) AS d(order_id, stream, sequence)
    WHERE p.order_id = d.order_id AND p.stream = d.stream AND p.sequence = d.sequence`,
};

/**
 * The set-based side of the view tables: one statement per table per chunk of records,
 * whatever the chunk's size. Like ViewStore it names no schema (a rebuild's search_path
 * picks the scratch tables).
 */
export class ViewChunkStore {
  /**
   * The views of these orders with the events parked for them, row-locked until the
   * transaction ends, in one query. The ids go as one JSON array (pg escapes a text array's
   * elements one by one in JS). Orders without a view have nothing parked either: a view
   * row is created before anything parks for it.
   */
  async load(manager: EntityManager, orderIds: string[]): Promise<Map<string, LoadedOrder>> {
    // Not prepared: PostgreSQL would soon keep a generic plan for it, and a rebuild's fresh
    // scratch table has no statistics, so that plan scans the whole (growing) table for
    // every chunk. Planned per call, it finds the orders by key.
    const rows = await manager.query<Record<string, unknown>[]>(LOAD_VIEWS, [
      JSON.stringify(orderIds),
    ]);
    const loaded = new Map<string, LoadedOrder>();
    for (const { parked, ...row } of rows) {
      const order: LoadedOrder = {
        view: orderViewOfRow(row),
        parked: { order: new Map(), payment: new Map() },
      };
      type Parked = { stream: EventStream; sequence: number; envelope: DomainEvent };
      for (const p of parked as Parked[]) order.parked[p.stream].set(p.sequence, p.envelope);
      loaded.set(order.view.orderId, order);
    }
    return loaded;
  }

  /** Inserts or replaces these views (distinct orders), in order_id order. */
  async saveViews(manager: EntityManager, views: OrderView[]): Promise<void> {
    if (views.length === 0) return;
    const sorted = [...views].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    await queryPrepared(manager, UPSERT_VIEWS, [JSON.stringify(sorted)]);
  }

  async park(
    manager: EntityManager,
    parked: (ParkedKey & { event: DomainEvent })[],
  ): Promise<void> {
    if (parked.length === 0) return;
    await queryPrepared(manager, PARK, [
      parked.map((p) => p.orderId),
      parked.map((p) => p.stream),
      parked.map((p) => p.sequence),
      parked.map((p) => JSON.stringify(p.event)),
    ]);
  }

  async unpark(manager: EntityManager, keys: ParkedKey[]): Promise<void> {
    if (keys.length === 0) return;
    await queryPrepared(manager, UNPARK, [
      keys.map((k) => k.orderId),
      keys.map((k) => k.stream),
      keys.map((k) => k.sequence),
    ]);
  }
}
