/**
 * Text without U+0000. PostgreSQL cannot store a NUL character in text or jsonb, so such a
 * value is refused at the door (a 400 naming the field) instead of failing its INSERT (a 500);
 * the OpenAPI pattern says the same.
 */
// eslint-disable-next-line no-control-regex -- the control character is the point
export const NO_NUL = /^[^\u0000]*$/;

export const NO_NUL_MESSAGE = '$property must not contain NUL (U+0000) characters';
