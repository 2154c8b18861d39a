import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model's tables. Nothing here depends on when a row was written: timestamps come
 * from events' occurredAt, so a rebuild from the log equals the live tables byte for byte.
 * order_seq / payment_seq are the last applied sequence per order and stream.
 */
export class CreateViews1732500000300 implements MigrationInterface {
  readonly name = 'CreateViews1732500000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_views (
        order_id         uuid PRIMARY KEY,
        customer_id      text NOT NULL,
        status           text,
        currency         text,
        total            bigint,
        items            jsonb,
        rejection_reason text,
        cancel_reason    text,
        payment_id       uuid,
        payment_status   text,
        payment_amount   bigint,
        payment_reason   text,
        order_seq        integer NOT NULL DEFAULT 0,
        payment_seq      integer NOT NULL DEFAULT 0,
        created_at       timestamptz,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX order_views_customer ON order_views (customer_id, created_at DESC, order_id DESC)`,
    );
    await q.query(
      `CREATE INDEX order_views_status ON order_views (status, created_at DESC, order_id DESC)`,
    );
    await q.query(
      `CREATE INDEX order_views_recent ON order_views (created_at DESC, order_id DESC)`,
    );
    await q.query(`
      CREATE TABLE customer_summaries (
        customer_id        text PRIMARY KEY,
        orders             integer NOT NULL DEFAULT 0,
        pending            integer NOT NULL DEFAULT 0,
        approved           integer NOT NULL DEFAULT 0,
        rejected           integer NOT NULL DEFAULT 0,
        cancelled          integer NOT NULL DEFAULT 0,
        payments_authorized integer NOT NULL DEFAULT 0,
        payments_rejected  integer NOT NULL DEFAULT 0,
        payments_refunded  integer NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE customer_amounts (
        customer_id text NOT NULL,
        currency    text NOT NULL,
        authorized  bigint NOT NULL DEFAULT 0,
        refunded    bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, currency)
      )`);
    // Events that arrived ahead of a gap in their stream wait here until the gap fills.
    await q.query(`
      CREATE TABLE parked_events (
        order_id  uuid NOT NULL,
        stream    text NOT NULL,
        sequence  integer NOT NULL,
        envelope  jsonb NOT NULL,
        PRIMARY KEY (order_id, stream, sequence)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parked_events`);
    await q.query(`DROP TABLE customer_amounts`);
    await q.query(`DROP TABLE customer_summaries`);
    await q.query(`DROP TABLE order_views`);
  }
}
