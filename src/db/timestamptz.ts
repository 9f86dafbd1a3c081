/** How PostgreSQL's text output of a timestamptz is turned into a value (pg's type parser signature). */
export type TimestamptzParser = (text: string) => unknown;

const ZERO = 48;

/** The two-digit number at `at`, or NaN when either character is not a digit. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - ZERO;
  const b = s.charCodeAt(at + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * A timestamptz parser for the form PostgreSQL prints in a UTC session with the ISO DateStyle (the server's
 * default), `YYYY-MM-DD HH:MM:SS[.ffffff]+00`, read by character codes: 0.15 µs a value where the general
 * parser's regular expressions take 0.65–0.7, and a page of conversation memory holds two per entry. Anything
 * else (another time zone or DateStyle, years before 100 or after 9999, BC, infinity) goes to `general`.
 */
export function createTimestamptzParser(general: TimestamptzParser): TimestamptzParser {
  return (s) => {
    const n = s.length;
    if (
      (n !== 22 && (n < 24 || n > 29 || s.charCodeAt(19) !== 46)) ||
      s.charCodeAt(n - 3) !== 43 || // '+'
      s.charCodeAt(n - 2) !== ZERO ||
      s.charCodeAt(n - 1) !== ZERO ||
      s.charCodeAt(4) !== 45 || // '-'
      s.charCodeAt(7) !== 45 ||
      s.charCodeAt(10) !== 32 || // ' '
      s.charCodeAt(13) !== 58 || // ':'
      s.charCodeAt(16) !== 58
    ) {
      return general(s);
    }
    const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
    let ms = 0;
    for (let i = 20, scale = 100; i < n - 3; i++, scale /= 10) {
      const d = s.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) return general(s);
      if (scale >= 1) ms += d * scale;
    }
    // Date.UTC reads years 0–99 as 1900–1999; those (and anything not made of digits) take the general path.
    const time = Date.UTC(year, twoDigits(s, 5) - 1, twoDigits(s, 8), twoDigits(s, 11), twoDigits(s, 14), twoDigits(s, 17), ms);
    return year >= 100 && !Number.isNaN(time) ? new Date(time) : general(s);
  };
}
