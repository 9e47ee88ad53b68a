// examples/demo is what `npm run demo` and the end-to-end test run; it must stay a valid kiln
// monorepo on its own (its hosts are *.invalid placeholders the harness replaces) and a valid
// GitLab pipeline, and the harness must find every placeholder it replaces.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadProjects } from '../../src/config/load-projects.js';
import { parseRebuildList } from '../../src/config/rebuild-list.js';
import { gitlabCiTextErrors } from '../harness/gitlab-ci-schema.js';
import { DEMO_DIR, DEMO_GIT_URL, DEMO_REGISTRY_HOST, wireDemoText } from '../harness/monorepo.js';

describe('examples/demo', () => {
  test('every project is valid: an upstream one, a local one, a dependent one', async () => {
    const loaded = await loadProjects({ root: DEMO_DIR, projectsDir: 'projects' });
    expect(loaded.problems).toEqual([]);
    const byName = Object.fromEntries(loaded.projects.map((p) => [p.name, p.config]));
    expect(byName['hello-upstream']?.upstream_repo).toBe(`${DEMO_GIT_URL}/upstream.git`);
    expect(byName['hello-local']?.use_local_context).toBe(true);
    expect(byName['hello-derived']?.depends_on).toEqual(['hello-upstream']);
    expect(byName['hello-derived']?.build_args).toContainEqual({
      name: 'BASE',
      value: '{{image:hello-upstream}}',
    });
  });

  test('rebuild-weekly.txt names existing projects', async () => {
    const file = path.join(DEMO_DIR, 'rebuild-weekly.txt');
    const list = parseRebuildList(await readFile(file, 'utf8'), file, [
      'hello-upstream',
      'hello-local',
      'hello-derived',
    ]);
    expect(list.problems).toEqual([]);
    expect(list.names.length).toBeGreaterThan(0);
  });

  test('.gitlab-ci.yml validates against GitLab CI schema, before and after wiring', async () => {
    const text = await readFile(path.join(DEMO_DIR, '.gitlab-ci.yml'), 'utf8');
    const wired = wireDemoText(text, { registryHost: '127.0.0.1:5000', gitUrl: 'git://127.0.0.1:9418' });
    expect(gitlabCiTextErrors(text)).toEqual([]);
    expect(gitlabCiTextErrors(wired)).toEqual([]);
    // The component comes from this checkout, the registry from the test.
    expect(wired).toContain('$CI_SERVER_FQDN/$CI_PROJECT_PATH/build@$CI_COMMIT_SHA');
    expect(wired).toContain('registry: 127.0.0.1:5000/demo');
    expect(wired).not.toContain(DEMO_REGISTRY_HOST);
  });
});
