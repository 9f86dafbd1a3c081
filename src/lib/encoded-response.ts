import { Response as FetchResponse } from '@whatwg-node/fetch';

/** What the fetch Response gives a text body that comes without a content type. */
const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';

/**
 * The fetch Response graphql-yoga answers with (given to it as `fetchAPI.Response`), except that a text body is
 * encoded to UTF-8 once, here. Given the text, the Response measured its UTF-8 length for `Content-Length`,
 * Node's HTTP server measured it again, then joined it to the header block and encoded the two to write them
 * (four passes over a `readConversation` answer of 10 kB, which is most of what it sends); given the bytes,
 * their length is known and they go to the socket as they are. Headers, status and body read back the same;
 * a text body without a content type still gets the fetch Response's own.
 */
export class EncodedResponse extends FetchResponse {
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    super(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, init);
    if (typeof body === 'string' && !this.headers.has('content-type')) this.headers.set('content-type', TEXT_CONTENT_TYPE);
  }
}
