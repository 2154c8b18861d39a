import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayments1732500000200 implements MigrationInterface {
  readonly name = 'CreatePayments1732500000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credit_accounts (
        customer_id  text PRIMARY KEY,
        currency     text NOT NULL,
        credit_limit bigint NOT NULL CHECK (credit_limit >= 0),
        available    bigint NOT NULL,
        -- Money is conserved: credit never goes below zero nor above the limit.
        CHECK (available >= 0 AND available <= credit_limit)
      )`);
    await q.query(`
      CREATE TABLE payments (
        order_id    uuid PRIMARY KEY,
        payment_id  uuid NOT NULL UNIQUE,
        customer_id text NOT NULL,
        amount      bigint NOT NULL CHECK (amount >= 0),
        currency    text NOT NULL,
        status      text NOT NULL CHECK (status IN ('AUTHORIZED','REJECTED','REFUNDED')),
        reason      text,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX payments_customer ON payments (customer_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP TABLE credit_accounts`);
  }
}
