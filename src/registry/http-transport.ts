// The registry client's one HTTP exchange, on node:http / node:https with keep-alive. Node's
// built-in fetch (undici) costs tens of milliseconds the first time a process uses it, more than
// the manifest job's registry work; node:http is already loaded. Redirects are never followed
// here: bounded-fetch.ts does that by hand, so credentials stay with their origin.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What bounded-fetch.ts reads of an answer: the status, the headers, the body as it arrives. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array> | null;
  /** Stops reading the body and frees the connection. */
  discard(): Promise<void>;
}

export interface HttpExchange {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Aborts the exchange, before the answer or while its body is read. */
  signal: AbortSignal;
}

export type HttpTransport = (url: URL, exchange: HttpExchange) => Promise<HttpAnswer>;

// One connection pool per scheme for the process: the manifest job talks to one registry. An idle
// pooled socket is closed after 4 s, as undici did: a load balancer may have dropped it since,
// and reusing it would cost a reset or a wait for the headers timeout. (`timeout` closes only
// free sockets; requests in flight are bounded by bounded-fetch.ts.)
const IDLE_SOCKET_MS = 4_000;
const agents = {
  http: new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

function answerOf(response: IncomingMessage, method: string): HttpAnswer {
  const status = response.statusCode ?? 0;
  // A HEAD answer, a 204 or a 304 has no body, whatever its Content-Length says (RFC 9110 §6.4.1).
  const bodyless = method === 'HEAD' || status === 204 || status === 304;
  if (bodyless) response.resume();
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = response.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: bodyless ? null : response,
    async discard() {
      response.destroy();
    },
  };
}

/** node:http / node:https, the transport kiln uses. */
export const nodeTransport: HttpTransport = (url, exchange) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    if (exchange.signal.aborted) {
      reject(exchange.signal.reason);
      return;
    }
    const secure = url.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method: exchange.method,
      headers: {
        ...exchange.headers,
        ...(exchange.body ? { 'content-length': String(exchange.body.length) } : {}),
      },
      agent: secure ? agents.https : agents.http,
    });
    // Abort only while this exchange is in flight: once its body is read, the socket belongs to
    // the pool and may already carry another request.
    const abort = () => request.destroy(exchange.signal.reason as Error);
    exchange.signal.addEventListener('abort', abort, { once: true });
    const release = () => exchange.signal.removeEventListener('abort', abort);
    // `on`, not `once`: a connection reset after the answer arrived errors the request again (the
    // body's reader sees it as a cut-off body); an unheard error would end the process.
    request.on('error', (error) => {
      release();
      reject(error);
    });
    request.once('response', (response) => {
      response.once('end', release);
      response.once('close', release);
      // Heard by the body's reader, which sees the stream's error; this only keeps an error before
      // reading starts from ending the process.
      response.on('error', () => {});
      resolve(answerOf(response, exchange.method));
    });
    request.end(exchange.body);
  });

/** An injected `fetch` as a transport: for tests that script the exchange itself. */
export function fetchTransport(doFetch: typeof fetch): HttpTransport {
  return async (url, exchange) => {
    const response = await doFetch(url, {
      method: exchange.method,
      headers: exchange.headers,
      ...(exchange.body ? { body: exchange.body } : {}),
      redirect: 'manual',
      signal: exchange.signal,
    });
    return {
      status: response.status,
      ok: response.ok,
      headers: { get: (name) => response.headers.get(name) },
      body: response.body as AsyncIterable<Uint8Array> | null,
      async discard() {
        await response.body?.cancel();
      },
    };
  };
}
