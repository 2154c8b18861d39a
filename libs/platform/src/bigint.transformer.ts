import type { ValueTransformer } from 'typeorm';

/**
 * pg returns int8 as a string (it can exceed 2^53); money here is validated to stay a safe
 * integer, so reading it back as a number is exact.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
