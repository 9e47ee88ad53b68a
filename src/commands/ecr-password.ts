// kiln ecr-password --registry HOST: prints the ECR registry password for HOST on stdout and
// nothing else, for a job whose own tools cannot turn GitLab OIDC into one. The buildah job runs
// it inside kiln's image (`buildah run`) and pipes it straight into `buildah login
// --password-stdin`, so the password is never in a script, an argv or the log.
import { usageError } from '../errors.js';
import { ecrCredentials } from '../registry/ecr/authorization-token.js';
import { ecrEndpointFromEnv } from '../registry/ecr/ecr-client.js';
import { parseEcrHost } from '../registry/ecr/ecr-host.js';
import { type Command, parseFlags } from './command.js';

const FLAGS = { registry: { type: 'string' } } as const;

const HELP = `Usage: kiln ecr-password --registry ACCOUNT.dkr.ecr.REGION.amazonaws.com

Prints the registry password of an ECR registry (GetAuthorizationToken; user AWS, valid 12 hours)
on stdout, and nothing else. Credentials come from the AWS SDK's default chain: in a GitLab job,
id_tokens + AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE. AWS_ENDPOINT_URL_ECR overrides the endpoint.`;

export const ecrPasswordCommand: Command = {
  name: 'ecr-password',
  summary: 'print an ECR registry password (for buildah jobs; stdout only)',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseFlags(argv, FLAGS, 'ecr-password');
    const ecr = parseEcrHost(values.registry ?? '');
    if (!ecr) {
      throw usageError(
        `--registry "${values.registry ?? ''}" is not an ECR registry host`,
        'write ACCOUNT.dkr.ecr.REGION.amazonaws.com',
      );
    }
    const endpoint = ecrEndpointFromEnv(ctx.env);
    const { password } = await ecrCredentials({
      registryId: ecr.registryId,
      region: ecr.region,
      log: ctx.log,
      ...(endpoint ? { endpoint } : {}),
    });
    // Raw on stdout: ctx.log would mask it, since ecrCredentials registered it as a secret.
    process.stdout.write(password);
    return 0;
  },
};
