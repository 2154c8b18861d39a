import { ValidateIf } from 'class-validator';

/**
 * An optional JSON property: it may be left out, but `null` is a value like any other and
 * must pass the property's checks. (class-validator's IsOptional lets null through, while
 * the OpenAPI schema, which has no `nullable`, rejects it.)
 */
export const AbsentOrValid = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
