// Registry credentials from the files container tools already write: a docker `config.json`
// (`auths.<host>.auth` = base64 `user:password`, or `username`/`password`) and containers'
// `auth.json` (same format). parseAuthFile is pure; findFileCredentials reads the files in order.
// https://github.com/containers/image/blob/main/docs/containers-auth.json.5.md
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../context.js';
import { KilnError } from '../../errors.js';
import type { Credentials } from './credentials.js';

/** `https://host:5000/v2/` → `host:5000`: docker config keys come with or without scheme and path. */
export function normalizeHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

/** Credentials for `host` in the text of a config.json/auth.json, or undefined. Throws on bad JSON. */
export function parseAuthFile(text: string, file: string, host: string): Credentials | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new KilnError('REGISTRY_FAILED', `${file} is not valid JSON`, {
      where: { file },
      cause: error,
      hint: 'fix the file or point DOCKER_CONFIG / REGISTRY_AUTH_FILE elsewhere',
    });
  }
  const auths = (data as { auths?: Record<string, { auth?: string; username?: string; password?: string }> })
    .auths;
  if (!auths || typeof auths !== 'object') return undefined;
  const wanted = host.toLowerCase();
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeHost(key) !== wanted || !entry || typeof entry !== 'object') continue;
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      throw new KilnError('REGISTRY_FAILED', `${file}: auths."${key}".auth is not base64 of user:password`, {
        where: { file, field: `auths.${key}.auth` },
        hint: 'write it as the output of: printf %s user:password | base64',
      });
    }
  }
  return undefined;
}

/** The auth files to look in, first match wins: podman/buildah/skopeo's, then docker's. */
export function authFileCandidates(env: Env): string[] {
  const files: string[] = [];
  if (env['REGISTRY_AUTH_FILE']) files.push(env['REGISTRY_AUTH_FILE']);
  if (env['XDG_RUNTIME_DIR']) files.push(path.join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json'));
  if (env['DOCKER_CONFIG']) files.push(path.join(env['DOCKER_CONFIG'], 'config.json'));
  if (env['HOME']) files.push(path.join(env['HOME'], '.docker', 'config.json'));
  return files;
}

export async function findFileCredentials(env: Env, host: string): Promise<Credentials | undefined> {
  for (const file of authFileCandidates(env)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // absent files are normal
    }
    const found = parseAuthFile(text, file, host);
    if (found) return found;
  }
  return undefined;
}
