// The real Renovate, from npm, at a version that runs on Node 20 (40 and later need Node 22):
// installed once into ~/.cache/kiln-test (about 4 minutes and 400 MB on a fresh machine; install
// scripts stay off, so RE2 is absent and Renovate uses JavaScript regular expressions, which the
// preset's patterns are written to suit either way).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RENOVATE_VERSION = '39.264.0';

export function renovateBin(): string {
  const dir = path.join(os.homedir(), '.cache', 'kiln-test', `renovate-${RENOVATE_VERSION}`);
  const bin = path.join(dir, 'node_modules', '.bin', 'renovate');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `renovate@${RENOVATE_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (!existsSync(bin)) throw new Error(`npm installed renovate@${RENOVATE_VERSION}, but ${bin} is missing`);
  return bin;
}

export interface ExtractedDep {
  /** The manager that found it: `regex` for custom managers, `dockerfile`, `gitlabci`… */
  manager: string;
  packageFile: string;
  depName?: string;
  packageName?: string;
  currentValue?: string;
  datasource?: string;
  skipReason?: string;
}

/** `renovate --platform=local --dry-run=extract` in `dir` (a git repository): every dependency found. */
export function renovateExtract(dir: string): ExtractedDep[] {
  const report = path.join(dir, '.renovate-report.json');
  execFileSync(
    renovateBin(),
    ['--platform=local', '--dry-run=extract', '--report-type=file', `--report-path=${report}`],
    { cwd: dir, env: { ...process.env, LOG_LEVEL: 'warn', RENOVATE_ONBOARDING: 'false' }, stdio: 'pipe' },
  );
  const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
    repositories: Record<
      string,
      {
        packageFiles: Record<
          string,
          { packageFile: string; deps: Omit<ExtractedDep, 'packageFile' | 'manager'>[] }[]
        >;
      }
    >;
  };
  return Object.values(parsed.repositories).flatMap((repo) =>
    Object.entries(repo.packageFiles).flatMap(([manager, files]) =>
      files.flatMap((file) => file.deps.map((dep) => ({ manager, packageFile: file.packageFile, ...dep }))),
    ),
  );
}
