// Stock cosign as a consumer runs it: `cosign verify` / `cosign verify-attestation` against the
// tests' plain-HTTP registry, either with the team's public key (key mode signs without a
// transparency log, so --insecure-ignore-tlog=true, as the README's verify commands say) or
// keyless, with a certificate identity and issuer and the trust root cosign is pointed at.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface VerifyResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Even verifying with a key and no tlog, cosign first tries to refresh the public Sigstore TUF
 * root from tuf-repo-cdn.sigstore.dev. A TUF mirror on a closed loopback port (what `cosign
 * initialize --mirror` writes into $HOME/.sigstore) keeps cosign on 127.0.0.1; it goes on without.
 */
export async function keepSigstoreOnLoopback(home: string): Promise<void> {
  await mkdir(path.join(home, '.sigstore', 'root'), { recursive: true });
  await writeFile(path.join(home, '.sigstore', 'root', 'remote.json'), '{"mirror":"http://127.0.0.1:9"}\n');
}

/** Keyless: who must have signed, and the trust root (cosign's SIGSTORE_* variables). */
export interface KeylessIdentity {
  identity: string;
  issuer: string;
  trustEnv: Record<string, string>;
}

export async function cosignVerify(
  options: {
    cosign: string;
    args: string[];
    /** cosign keeps a cache under $HOME/.sigstore: a test's own folder. */
    home: string;
  } & ({ publicKey: string } | { keyless: KeylessIdentity }),
): Promise<VerifyResult> {
  await keepSigstoreOnLoopback(options.home);
  const flags =
    'publicKey' in options
      ? ['--key', options.publicKey, '--insecure-ignore-tlog=true']
      : [
          `--certificate-identity=${options.keyless.identity}`,
          `--certificate-oidc-issuer=${options.keyless.issuer}`,
        ];
  flags.push('--allow-http-registry', '--allow-insecure-registry');
  const trustEnv = 'keyless' in options ? options.keyless.trustEnv : {};
  try {
    const { stdout, stderr } = await run(options.cosign, [...options.args, ...flags], {
      env: { ...process.env, ...trustEnv, HOME: options.home },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The in-toto statements `cosign verify-attestation` printed (one DSSE envelope per line). */
export function attestedStatements(stdout: string): {
  predicateType: string;
  subject: { digest: { sha256: string } }[];
  // biome-ignore lint/suspicious/noExplicitAny: decoded JSON of several predicate types, read field by field
  predicate: any;
}[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')));
}
