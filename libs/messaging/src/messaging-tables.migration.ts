import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox, per-stream sequence counters and inbox, shared by every service (each in its own
 * database). `outbox_streams` is the per-aggregate lock: the counter row stays locked until
 * the writing transaction commits, so a second writer of the same aggregate stream inserts
 * its outbox row (and takes its bigserial id) only after the first one committed. Rows of
 * one aggregate therefore get increasing ids in commit order, and sequences have no gaps.
 */
export class CreateMessagingTables1732500000000 implements MigrationInterface {
  readonly name = 'CreateMessagingTables1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id             bigserial PRIMARY KEY,
        event_id       uuid NOT NULL UNIQUE,
        topic          text NOT NULL,
        message_key    text NOT NULL,
        aggregate_id   text NOT NULL,
        sequence       integer NOT NULL,
        event_type     text NOT NULL,
        schema_version integer NOT NULL,
        envelope       jsonb NOT NULL,
        headers        jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at   timestamptz,
        UNIQUE (topic, aggregate_id, sequence)
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE outbox_streams (
        topic         text NOT NULL,
        aggregate_id  text NOT NULL,
        last_sequence integer NOT NULL,
        PRIMARY KEY (topic, aggregate_id)
      )`);
    // The relay LISTENs on this channel; NOTIFY is delivered only when the writer commits.
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('outbox_inserted', ''); RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await q.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        event_type   text NOT NULL,
        topic        text NOT NULL,
        partition    integer NOT NULL,
        "offset"     bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`CREATE INDEX inbox_processed_at ON inbox (processed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TRIGGER outbox_notify ON outbox`);
    await q.query(`DROP FUNCTION outbox_notify()`);
    await q.query(`DROP TABLE outbox_streams`);
    await q.query(`DROP TABLE outbox`);
  }
}
