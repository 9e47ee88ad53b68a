// A private git server over smart HTTP on 127.0.0.1: `git http-backend` (CGI) behind Basic auth.
// Stands in for a private GitLab/GitHub upstream in tests of token handling.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalListener, listenLocal } from './net.js';

export interface GitHttpServer {
  url: string;
  /** Authorization headers received, in order ('' when none was sent). */
  authorizations: string[];
  /** Body bytes git http-backend has answered with so far. */
  bytesSent(): number;
  stop(): Promise<void>;
}

function serveCgi(
  req: IncomingMessage,
  res: ServerResponse,
  projectRoot: string,
  sent: (bytes: number) => void,
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: 'test',
    },
  });
  req.pipe(child.stdin);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.on('close', () => {
    const out = Buffer.concat(chunks);
    const split = out.indexOf('\r\n\r\n');
    const head = out.subarray(0, split).toString();
    let status = 200;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (name) res.setHeader(name, value);
    }
    res.statusCode = status;
    sent(out.length - split - 4);
    res.end(out.subarray(split + 4));
  });
}

/** Serves the repositories under `projectRoot`, only to requests with Basic `username:token`. */
export async function startGitHttpServer(options: {
  projectRoot: string;
  username: string;
  token: string;
}): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${options.username}:${options.token}`).toString('base64')}`;
  const authorizations: string[] = [];
  let bytes = 0;
  const server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    authorizations.push(auth);
    if (auth !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="kiln-test"' }).end('unauthorized');
      return;
    }
    serveCgi(req, res, options.projectRoot, (n) => {
      bytes += n;
    });
  });
  const { url, stop } = await listenLocal(server);
  return { url, authorizations, bytesSent: () => bytes, stop };
}

export interface RedirectingServer extends LocalListener {
  /** Requests received, redirected or not. */
  hits(): number;
}

/**
 * An upstream that moved: it asks for Basic credentials once, as a private repository does, then
 * answers every request with a 301 to the same path on `target` (another host:port).
 */
export async function startRedirectingServer(target: { url: string }): Promise<RedirectingServer> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (hits === 1 && !req.headers.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="moved"' }).end();
      return;
    }
    res.writeHead(301, { Location: `${target.url}${req.url}` }).end();
  });
  return { ...(await listenLocal(server)), hits: () => hits };
}
