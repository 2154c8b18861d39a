import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1732500000100 implements MigrationInterface {
  readonly name = 'CreateOrders1732500000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        order_id         uuid PRIMARY KEY,
        customer_id      text NOT NULL,
        currency         text NOT NULL,
        items            jsonb NOT NULL,
        total            bigint NOT NULL CHECK (total >= 0),
        status           text NOT NULL CHECK (status IN ('PENDING','APPROVED','REJECTED','CANCELLED')),
        rejection_reason text,
        payment_id       uuid,
        idempotency_key  text UNIQUE,
        request_hash     text NOT NULL,
        correlation_id   text NOT NULL,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX orders_customer ON orders (customer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE orders`);
  }
}
