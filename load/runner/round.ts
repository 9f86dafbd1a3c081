/** `n` to `digits` decimals; null for NaN or an infinity (a figure that could not be computed, such as x / 0). */
export const round = (n: number, digits = 2): number | null =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null;
