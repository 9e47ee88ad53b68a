// kiln attest --project NAME [--spec FILE] [--report FILE]
// The manifest job's second step when signing is on: signs the index kiln manifest just pushed
// and each per-architecture image, by digest, and attaches an SBOM and SLSA provenance to each as
// cosign attestations. Thin: reads the spec and the report, runs the steps.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runAttest, SBOM_DIR } from '../attest/run-attest.js';
import { KilnError, usageError } from '../errors.js';
import { type ManifestReport, manifestReportFile } from '../manifest/report.js';
import { type Command, parseFlags } from './command.js';
import { readSpec } from './manifest.js';

const HELP = `Usage: kiln attest --project NAME [--spec FILE] [--report FILE]

Signs the multi-arch index that kiln manifest pushed, and each of its per-architecture images,
by digest, with cosign. For each image it attests an SBOM (syft, read from the registry; kept in
${SBOM_DIR}/) and SLSA v1 build provenance; the index gets its provenance too. Run after kiln
manifest in the same job. Tags are never moved: when signing fails the job fails, the index and
its tags stay as they are, and a rerun signs again.

Options:
  --project NAME   the project (must match the spec)
  --spec FILE      the manifest spec as JSON (default: the KILN_MANIFEST_SPEC variable)
  --report FILE    kiln manifest's report (default: kiln-reports/<project>.json)

The spec's signing mode (signing setting): key signs with cosign's --key: a KMS URI, or the key in
the CI variable signing_key names (default COSIGN_PRIVATE_KEY, a file-type variable), its password
in signing_password_variable (default COSIGN_PASSWORD). keyless uses the job's SIGSTORE_ID_TOKEN
(id_tokens, aud sigstore) with Fulcio and Rekor. Registry credentials as for kiln manifest.`;

export const attestCommand: Command = {
  name: 'attest',
  summary: 'CI job: sign the pushed index and its images, attest SBOMs and provenance',
  help: HELP,
  async run(argv, ctx) {
    const flags = parseFlags(
      argv,
      { project: { type: 'string' }, spec: { type: 'string' }, report: { type: 'string' } },
      'attest',
    );
    const project = flags.values.project;
    if (!project) throw usageError('--project is required', 'kiln attest --project NAME');
    const spec = await readSpec(project, flags.values.spec, ctx, 'attest');
    const reportFile = flags.values.report ?? manifestReportFile(project);
    let report: ManifestReport;
    try {
      report = JSON.parse(await readFile(path.resolve(ctx.cwd, reportFile), 'utf8')) as ManifestReport;
    } catch (error) {
      throw new KilnError('ATTEST_FAILED', `cannot read kiln manifest's report ${reportFile}`, {
        cause: error,
        hint: 'kiln attest signs what kiln manifest pushed: run kiln manifest first, in the same job',
      });
    }
    if (report.project !== project || !report.indexDigest) {
      throw new KilnError('ATTEST_FAILED', `${reportFile} is not a manifest report of project "${project}"`, {
        where: { file: reportFile },
      });
    }
    const result = await runAttest({ spec, report, ctx });
    for (const image of result.signed) ctx.log.out(image);
    return 0;
  },
};
