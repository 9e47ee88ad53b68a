// No GitLab runs here: this local HTTP server on 127.0.0.1 answers GET /api/v4/projects/:id/pipelines
// exactly as the documented endpoint does (https://docs.gitlab.com/api/pipelines/#list-project-pipelines):
// a JSON array of pipelines, newest first for order_by=id&sort=desc, with the offset-pagination
// headers (offset-pagination.ts), 401 {"message":"401 Unauthorized"} without a valid PRIVATE-TOKEN.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenLocal } from '../../harness/net.js';
import { offsetPage } from './offset-pagination.js';

export interface StubPipeline {
  id: number;
  sha: string;
  ref: string;
  status: string;
  source: string;
}

export interface GitlabStub {
  url: string;
  requests: { url: string; headers: IncomingMessage['headers'] }[];
  stop(): Promise<void>;
}

export async function startGitlabStub(options: {
  token: string;
  projectId: string;
  pipelines: StubPipeline[];
  /** Force an HTTP status (e.g. 500) for every request. */
  failWith?: number;
}): Promise<GitlabStub> {
  const requests: GitlabStub['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (options.failWith)
      return json(options.failWith, { message: `${options.failWith} Internal Server Error` });
    if (req.headers['private-token'] !== options.token) return json(401, { message: '401 Unauthorized' });
    if (req.method !== 'GET' || url.pathname !== `/api/v4/projects/${options.projectId}/pipelines`) {
      return json(404, { message: '404 Not Found' });
    }
    const q = url.searchParams;
    let list = options.pipelines.filter(
      (p) =>
        (!q.get('ref') || p.ref === q.get('ref')) &&
        (!q.get('status') || p.status === q.get('status')) &&
        (!q.get('source') || p.source === q.get('source')),
    );
    const desc = (q.get('sort') ?? 'desc') === 'desc';
    list = [...list].sort((a, b) => (desc ? b.id - a.id : a.id - b.id));
    const page = offsetPage(list, req);
    json(
      200,
      page.items.map((p) => ({
        id: p.id,
        iid: p.id - 1000,
        project_id: Number(options.projectId),
        sha: p.sha,
        ref: p.ref,
        status: p.status,
        source: p.source,
        created_at: '2026-11-20T10:00:00.000Z',
        updated_at: '2026-11-20T10:05:00.000Z',
        web_url: `https://gitlab.example.com/platform/images/-/pipelines/${p.id}`,
      })),
      page.headers,
    );
  });
  const { url, stop } = await listenLocal(server);
  return { url, requests, stop };
}
