const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the string is a UUID PostgreSQL will accept; other ids can match no row. */
export const isUuid = (s: string): boolean => UUID.test(s);
