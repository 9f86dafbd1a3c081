/**
 * `list.slice(start, end)` for `0 <= start`, by indexed reads. The in-process cache deep-freezes what it holds,
 * and V8 runs `slice` (as `forEach`) on a frozen array through its slow path, a property lookup per element:
 * 1.5–2 µs for twenty keys against 0.04 µs on an unfrozen copy, where this loop takes about 0.2–0.4.
 */
export function sliceOf<T>(list: readonly T[], start: number, end: number = list.length): T[] {
  const out: T[] = [];
  const stop = Math.min(end, list.length);
  for (let i = start; i < stop; i++) out.push(list[i]!);
  return out;
}
