import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isoStringOfTime } from './iso-time.ts';

/** `YYYY-MM-DDTHH:mm:ss[.fraction](Z|±HH:mm)`: RFC 3339's date-time (section 5.6), either case for T and Z. */
const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:[Zz]|[+-](\d\d):(\d\d))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const EXPECTED = 'expected an RFC 3339 date-time such as 2007-12-03T10:15:30Z';

/**
 * The Date an RFC 3339 date-time string stands for, or undefined when it is not one: every field within its
 * range (the day within its month, February 29 only in leap years; no leap second, which a Date cannot hold),
 * the offset at most 23:59.
 */
export function parseDateTime(value: string): Date | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hours, minutes, seconds] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number, number, number, number, number, number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return undefined;
  const date = new Date(value.toUpperCase());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A Date's time, refused when the Date is invalid. */
function timeOfDate(value: Date): number {
  const time = value.getTime();
  if (Number.isNaN(time)) throw new GraphQLError('DateTime cannot represent an invalid Date');
  return time;
}

/** A value as an error message quotes it: JSON, cut to 64 characters (the input is the client's, of any length). */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 63)}…` : text;
}

function dateOfString(value: string, node?: ValueNode): Date {
  const date = parseDateTime(value);
  if (!date) throw new GraphQLError(`DateTime cannot represent ${quoted(value)}: ${EXPECTED}`, node ? { nodes: node } : {});
  return date;
}

function timeOf(value: unknown): number {
  if (value instanceof Date) return timeOfDate(value);
  if (typeof value === 'string') return dateOfString(value).getTime();
  if (typeof value === 'number') {
    // Milliseconds since the epoch, as far as a Date reaches.
    const time = new Date(value).getTime();
    if (Number.isNaN(time)) throw new GraphQLError(`DateTime cannot represent the time ${value}`);
    return time;
  }
  throw new GraphQLError(`DateTime cannot represent ${quoted(value)}: expected a Date, an RFC 3339 string or a time in milliseconds`);
}

/**
 * The ISO strings of the times of frozen Dates: those of the rows and pages the in-process cache holds
 * (deep-frozen, read by every request that hits them). Keyed by the time itself, so a Date whose time was
 * changed (freezing does not stop `setTime`) finds its new string or none. Bounded: when it is full it is
 * emptied, and the dates still being served are formatted again. Keyed by Date instead, each cached row kept its
 * two strings (with their keys and holders, about 300 bytes a row) for as long as the cache kept the row.
 */
const isoOfTime = new Map<number, string>();
export const ISO_OF_TIME_MAX = 4096;

/**
 * RFC 3339 date-times: read from strings (literals and variables) into Dates; written as ISO 8601 strings in UTC
 * (`2007-12-03T10:15:30.000Z`, what `JSON.stringify` gives a Date) from Dates, RFC 3339 strings or times in
 * milliseconds. Serialized to its string at once rather than as a Date that the response's JSON.stringify turns
 * into the same string through `toJSON`: a result holding Dates takes V8's slow JSON path, one holding strings
 * the fast one (a page of twenty entries with their `createdAt` costs 21.5 µs, the twenty formattings included,
 * instead of 34). The string is made by isoStringOfTime, about a third of `toISOString`'s cost. The time of a
 * frozen Date (a cached row's) is formatted once: a lookup costs about 15 ns, and a cached page of twenty
 * templates is served thousands of times.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'A date-time as RFC 3339 writes it (e.g. 2007-12-03T10:15:30Z), given back in UTC.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    if (!(value instanceof Date) || !Object.isFrozen(value)) return isoStringOfTime(timeOf(value));
    const time = timeOfDate(value);
    const known = isoOfTime.get(time);
    if (known !== undefined) return known;
    const iso = isoStringOfTime(time);
    if (isoOfTime.size >= ISO_OF_TIME_MAX) isoOfTime.clear();
    isoOfTime.set(time, iso);
    return iso;
  },
  parseValue(value) {
    if (value instanceof Date) {
      timeOfDate(value);
      return value;
    }
    if (typeof value === 'string') return dateOfString(value);
    throw new GraphQLError(`DateTime cannot represent ${quoted(value)}: ${EXPECTED}`);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw new GraphQLError(`DateTime cannot represent a non-string literal: ${EXPECTED}`, { nodes: node });
    return dateOfString(node.value, node);
  },
});
