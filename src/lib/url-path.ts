/** A path URL parsing gives back unchanged: no percent-encoding to add, no backslash, no `.` or `..` segment. */
const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * The `pathname` of an absolute URL (`request.url`), as `new URL(url).pathname` gives it. A plain path (most
 * requests' `/graphql`) is cut out of the text; any other (percent-encoding to add, dot segments to resolve, an
 * authority ended by `?` or `#`) is parsed. graphql-yoga's `url` in a hook payload parses the request's URL
 * anew at each property read: several plugins asking for its `pathname` paid a full URL parse each.
 */
export function pathOf(url: string): string {
  const scheme = url.indexOf('//');
  const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 2);
  if (slash > 0) {
    const authority = url.slice(scheme + 2, slash);
    if (!authority.includes('?') && !authority.includes('#') && !authority.includes('\\')) {
      let end = url.length;
      const query = url.indexOf('?', slash);
      if (query >= 0) end = query;
      const fragment = url.indexOf('#', slash);
      if (fragment >= 0 && fragment < end) end = fragment;
      const path = url.slice(slash, end);
      if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
    }
  }
  return new URL(url).pathname;
}
