// No GitLab runs here: this local HTTP server on 127.0.0.1 answers the documented REST endpoints
// kiln uses for schedules and merge-request notes, with GitLab's shapes and status codes:
//   GET/POST /api/v4/projects/:id/pipeline_schedules, GET/PUT …/pipeline_schedules/:schedule_id
//     (https://docs.gitlab.com/api/pipeline_schedules/) — `ref` is returned as a full ref
//     (`refs/heads/main`), as current GitLab versions do; a bad cron is 400 {"message":{"cron":[…]}};
//     the list has no `variables`, a single schedule has them;
//   POST …/pipeline_schedules/:schedule_id/variables, PUT …/variables/:key (400 when the key is
//     taken, 404 when it is not there), as the pipeline schedule variables endpoints answer.
//   GET/POST /api/v4/projects/:id/merge_requests/:iid/notes, PUT …/notes/:note_id
//     (https://docs.gitlab.com/api/notes/#merge-requests)
// `:id` is the numeric id or the URL-encoded path; 401 {"message":"401 Unauthorized"} without the token.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenLocal } from '../../harness/net.js';
import { offsetPage } from './offset-pagination.js';

export interface StubSchedule {
  id: number;
  description: string;
  ref: string;
  cron: string;
  cron_timezone: string;
  active: boolean;
  variables?: { key: string; value: string; variable_type: string }[];
}

export interface StubNote {
  id: number;
  body: string;
  system: boolean;
}

export interface GitlabStub {
  url: string;
  schedules: StubSchedule[];
  notes: StubNote[];
  requests: { method: string; path: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

export async function startSchedulesNotesStub(options: {
  token: string;
  projectId: number;
  projectPath: string;
  mrIid: number;
  schedules?: StubSchedule[];
  notes?: StubNote[];
  /** GitLab shows a schedule's variables to its owner only; the token's user is not the owner. */
  notOwner?: boolean;
}): Promise<GitlabStub> {
  const schedules = [...(options.schedules ?? [])];
  const notes = [...(options.notes ?? [])];
  const requests: GitlabStub['requests'] = [];
  let nextId = 1000;
  const projectIds = [String(options.projectId), encodeURIComponent(options.projectPath)];

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, body });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.headers['private-token'] !== options.token) return json(401, { message: '401 Unauthorized' });
    // The raw path keeps %2F encoded, as GitLab expects for project paths.
    const raw = (req.url ?? '').split('?')[0] ?? '';
    const m = /^\/api\/v4\/projects\/([^/]+)\/(.*)$/.exec(raw);
    if (!m || !projectIds.includes(m[1]!)) return json(404, { message: '404 Project Not Found' });
    const rest = m[2]!;
    const list = (items: unknown[]) => {
      const page = offsetPage(items, req);
      json(200, page.items, page.headers);
    };

    if (rest === 'pipeline_schedules' && method === 'GET') return list(schedules.map(scheduleJson));
    if (rest === 'pipeline_schedules' && method === 'POST') {
      for (const field of ['description', 'ref', 'cron']) {
        if (typeof body[field] !== 'string') return json(400, { error: `${field} is missing` });
      }
      if (String(body['cron']).trim().split(/\s+/).length !== 5) {
        return json(400, { message: { cron: ['is invalid syntax'] } });
      }
      const created: StubSchedule = {
        id: nextId++,
        description: String(body['description']),
        ref: fullRef(String(body['ref'])),
        cron: String(body['cron']),
        cron_timezone: String(body['cron_timezone'] ?? 'UTC'),
        active: body['active'] === undefined ? true : body['active'] === true || body['active'] === 'true',
      };
      schedules.push(created);
      return json(201, scheduleJson(created));
    }
    const v = /^pipeline_schedules\/(\d+)\/variables(?:\/([^/]+))?$/.exec(rest);
    if (v) {
      const found = schedules.find((x) => x.id === Number(v[1]));
      if (!found) return json(404, { message: '404 Pipeline Schedule Not Found' });
      found.variables = found.variables ?? [];
      const variables = found.variables;
      if (!v[2] && method === 'POST') {
        if (typeof body['key'] !== 'string' || typeof body['value'] !== 'string')
          return json(400, { error: 'key is missing, value is missing' });
        if (variables.some((x) => x.key === body['key']))
          return json(400, { message: { key: ['has already been taken'] } });
        const created = {
          key: body['key'],
          value: body['value'],
          variable_type: String(body['variable_type'] ?? 'env_var'),
        };
        variables.push(created);
        return json(201, created);
      }
      const existing = variables.find((x) => x.key === decodeURIComponent(v[2] ?? ''));
      if (v[2] && method === 'PUT') {
        if (!existing) return json(404, { message: '404 Variable Not Found' });
        if (typeof body['value'] === 'string') existing.value = body['value'];
        return json(200, existing);
      }
    }
    const s = /^pipeline_schedules\/(\d+)$/.exec(rest);
    if (s && method === 'GET') {
      const found = schedules.find((x) => x.id === Number(s[1]));
      if (!found) return json(404, { message: '404 Pipeline Schedule Not Found' });
      return json(200, {
        ...scheduleJson(found),
        variables: options.notOwner ? [] : (found.variables ?? []),
      });
    }
    if (s && method === 'PUT') {
      const found = schedules.find((x) => x.id === Number(s[1]));
      if (!found) return json(404, { message: '404 Pipeline Schedule Not Found' });
      if (typeof body['description'] === 'string') found.description = body['description'];
      if (typeof body['ref'] === 'string') found.ref = fullRef(body['ref']);
      if (typeof body['cron'] === 'string') found.cron = body['cron'];
      if (typeof body['cron_timezone'] === 'string') found.cron_timezone = body['cron_timezone'];
      if (body['active'] !== undefined) found.active = body['active'] === true || body['active'] === 'true';
      return json(200, scheduleJson(found));
    }

    const n = /^merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(rest);
    if (n && Number(n[1]) !== options.mrIid) return json(404, { message: '404 Not found' });
    if (n && !n[2] && method === 'GET') {
      const asc = url.searchParams.get('sort') === 'asc';
      return list((asc ? notes : [...notes].reverse()).map(noteJson));
    }
    if (n && !n[2] && method === 'POST') {
      if (typeof body['body'] !== 'string' || body['body'] === '')
        return json(400, { error: 'body is missing' });
      const note: StubNote = { id: nextId++, body: body['body'], system: false };
      notes.push(note);
      return json(201, noteJson(note));
    }
    if (n?.[2] && method === 'PUT') {
      const note = notes.find((x) => x.id === Number(n[2]));
      if (!note) return json(404, { message: '404 Not found' });
      if (typeof body['body'] === 'string') note.body = body['body'];
      return json(200, noteJson(note));
    }
    return json(404, { error: '404 Not Found' });
  });
  const { url, stop } = await listenLocal(server);
  return { url, schedules, notes, requests, stop };
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

function scheduleJson({ variables: _, ...s }: StubSchedule) {
  return {
    ...s,
    next_run_at: '2026-11-30T03:00:00.000Z',
    created_at: '2026-11-01T10:00:00.000Z',
    updated_at: '2026-11-01T10:00:00.000Z',
    owner: { id: 7, username: 'kiln-bot', name: 'kiln bot', state: 'active' },
  };
}

function noteJson(n: StubNote) {
  return {
    ...n,
    type: null,
    attachment: null,
    author: { id: 7, username: 'kiln-bot', name: 'kiln bot', state: 'active' },
    created_at: '2026-11-20T10:00:00.000Z',
    updated_at: '2026-11-20T10:00:00.000Z',
    noteable_type: 'MergeRequest',
    resolvable: false,
    confidential: false,
    internal: false,
  };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  // GitLab takes JSON or form bodies.
  if ((req.headers['content-type'] ?? '').includes('json'))
    return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}
