// A registry front that speaks the distribution token-auth flow (the one Docker Hub, GitLab's
// registry and Harbor use): 401 + `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, a token
// endpoint that checks Basic credentials and grants the scope, then requests with the Bearer
// token are forwarded to the real registry behind it. Spec:
// https://distribution.github.io/distribution/spec/auth/token/
import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import { listenLocal } from './net.js';

export interface TokenAuthProxy {
  host: string;
  /** Every scope a token was issued for, in order. */
  issued: string[];
  /** Forgets every token issued so far, as if they expired. */
  expireTokens(): void;
  stop(): Promise<void>;
}

export async function startTokenAuthProxy(options: {
  target: string;
  username: string;
  password: string;
}): Promise<TokenAuthProxy> {
  const [targetHost = '127.0.0.1', targetPort = '80'] = options.target.split(':');
  const tokens = new Map<string, Set<string>>(); // token → granted actions per repository ("repo:push")
  const issued: string[] = [];
  let self = '';
  const expectedBasic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/token') {
      if (req.headers.authorization !== expectedBasic) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"details":"incorrect username or password"}');
        return;
      }
      const scope = url.searchParams.get('scope') ?? '';
      const [, repository = '', actions = ''] = scope.split(':');
      const token = randomBytes(16).toString('hex');
      tokens.set(token, new Set(actions.split(',').map((a) => `${repository}:${a}`)));
      issued.push(scope);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const match = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname);
    const repository = match?.[1] ?? '';
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = bearer ? tokens.get(bearer) : undefined;
    if (url.pathname !== '/v2/' && !granted?.has(`${repository}:${action}`)) {
      const scope = `repository:${repository}:${action === 'push' ? 'pull,push' : 'pull'}`;
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${self}/token",service="kiln-test",scope="${scope}"`,
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  const { host, stop } = await listenLocal(server);
  self = host;
  return {
    host,
    issued,
    expireTokens() {
      tokens.clear();
    },
    stop,
  };
}
