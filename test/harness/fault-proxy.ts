// An HTTP proxy on 127.0.0.1 in front of a real registry that misbehaves on purpose, seeded so a
// failure reproduces: connection resets (before, or after the registry already handled the
// request — the nasty case for PUTs), 503s and 429s with Retry-After, and optionally rewritten
// response bodies (a corrupting middlebox). Also counts requests, which the benchmark reports.
// Host headers pass through so the registry's Location URLs name the proxy.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { listenLocal } from './net.js';

export type Fault = 'reset-before' | 'reset-after' | '503' | '429';

export interface FaultProxy {
  host: string;
  url: string;
  /** Requests seen, faults injected, per kind. */
  stats: {
    requests: number;
    faults: number;
    byFault: Record<Fault, number>;
    byMethod: Record<string, number>;
    /** Manifest references the registry accepted a PUT for, in the order it answered. */
    manifestPuts: string[];
  };
  resetStats(): void;
  stop(): Promise<void>;
}

/** mulberry32: tiny seeded PRNG, deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAULTS: Fault[] = ['reset-before', 'reset-after', '503', '429'];

export async function startFaultProxy(options: {
  /** `127.0.0.1:PORT` of the registry. */
  target: string;
  /** Share of requests that fail (0 = a counting proxy only). */
  rate?: number;
  seed?: number;
  /**
   * At most this many faults in a row for the same method + path (default 3): transient faults,
   * not an outage, so a client with a sane retry budget must get through — and the test stays
   * deterministic however the concurrent requests interleave.
   */
  maxConsecutive?: number;
  /**
   * Replaces the body of a registry answer (headers kept, Content-Length fixed): a middlebox that
   * corrupts what it relays. Return undefined to pass the answer through.
   */
  tamper?: (request: { method: string; url: string }, status: number, body: Buffer) => Buffer | undefined;
}): Promise<FaultProxy> {
  const [targetHost = '127.0.0.1', targetPort = '80'] = options.target.split(':');
  const random = seededRandom(options.seed ?? 1);
  const rate = options.rate ?? 0;
  const maxConsecutive = options.maxConsecutive ?? 3;
  const streak = new Map<string, number>();
  const fresh = () => ({
    requests: 0,
    faults: 0,
    byFault: { 'reset-before': 0, 'reset-after': 0, '503': 0, '429': 0 } as Record<Fault, number>,
    byMethod: {} as Record<string, number>,
    manifestPuts: [] as string[],
  });
  const stats = fresh();

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    onResponse: (status: number, headers: Record<string, unknown>, data: Buffer) => void,
    onError: () => void,
  ) => {
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          onResponse(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)),
        );
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests += 1;
      stats.byMethod[req.method ?? '?'] = (stats.byMethod[req.method ?? '?'] ?? 0) + 1;
      const key = `${req.method} ${req.url}`;
      const roll = random() < rate && (streak.get(key) ?? 0) < maxConsecutive;
      const fault = roll ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined;
      streak.set(key, fault ? (streak.get(key) ?? 0) + 1 : 0);
      if (fault) {
        stats.faults += 1;
        stats.byFault[fault] += 1;
      }
      if (fault === 'reset-before') {
        req.socket.destroy();
        return;
      }
      if (fault === '503' || fault === '429') {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault === '429') headers['retry-after'] = '0';
        res.writeHead(Number(fault), headers).end(
          JSON.stringify({
            errors: [
              {
                code: fault === '429' ? 'TOOMANYREQUESTS' : 'UNAVAILABLE',
                message: 'injected by the fault proxy',
              },
            ],
          }),
        );
        return;
      }
      forward(
        req,
        Buffer.concat(chunks),
        (status, headers, data) => {
          const put =
            req.method === 'PUT' && status < 300 ? /\/manifests\/([^/?]+)$/.exec(req.url ?? '') : null;
          if (put?.[1]) stats.manifestPuts.push(decodeURIComponent(put[1]));
          if (fault === 'reset-after') {
            req.socket.destroy();
            return;
          }
          const tampered = options.tamper?.({ method: req.method ?? '', url: req.url ?? '' }, status, data);
          if (tampered) headers['content-length'] = String(tampered.length);
          res.writeHead(status, headers as Record<string, string>).end(tampered ?? data);
        },
        () => req.socket.destroy(),
      );
    });
  });
  const { host, url, stop } = await listenLocal(server);
  return {
    host,
    url,
    stats,
    resetStats() {
      Object.assign(stats, fresh());
    },
    stop,
  };
}
