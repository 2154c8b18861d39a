/**
 * Why a record cannot be processed by any version of this code. Each is a property of the
 * record itself, never of the environment, so dead-lettering it is safe: retrying would fail
 * the same way until the record is fixed or the consumer upgraded.
 */
export type DeadLetterReason =
  | 'malformed-bytes'
  | 'not-an-envelope'
  | 'unknown-event-type'
  | 'unsupported-version'
  | 'schema-violation';
