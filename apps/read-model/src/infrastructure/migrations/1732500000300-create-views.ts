import type { MigrationInterface, QueryRunner } from 'typeorm';

import { viewTablesDdl } from '../view-tables.ddl.js';

/**
 * The read model's tables. Nothing here depends on when a row was written: timestamps come
 * from events' occurredAt, so a rebuild from the log equals the live tables byte for byte.
 * order_seq / payment_seq are the last applied sequence per order and stream.
 */
export class CreateViews1732500000300 implements MigrationInterface {
  readonly name = 'CreateViews1732500000300';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of viewTablesDdl('public')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parked_events`);
    await q.query(`DROP TABLE customer_amounts`);
    await q.query(`DROP TABLE customer_summaries`);
    await q.query(`DROP TABLE order_views`);
  }
}
