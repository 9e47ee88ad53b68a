// AWS STS and ECR cannot run here. This is a local HTTP server on 127.0.0.1 that answers as their
// documented APIs do, for the GitLab-OIDC-to-ECR path:
// - STS AssumeRoleWithWebIdentity (Query protocol: form-encoded POST, XML answer), which checks the
//   web identity token and role it is given and issues temporary credentials;
//   https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
// - ECR GetAuthorizationToken (AWS JSON 1.1: POST /, X-Amz-Target), which answers only a request
//   signed (SigV4) with those temporary credentials, with base64 `AWS:<password>`.
//   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html
// Point the SDK at it with AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ECR.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { listenLocal } from './net.js';

export interface AwsContractServer {
  url: string;
  /** Operations received, in order, e.g. `sts:AssumeRoleWithWebIdentity`, `ecr:GetAuthorizationToken`. */
  calls: string[];
  /** Every request body and header value received, to check that no secret went where it should not. */
  received: string[];
  stop(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startAwsContractServer(options: {
  /** The GitLab ID token the job must present. */
  webIdentityToken: string;
  roleArn: string;
  /** The registry password GetAuthorizationToken hands out. */
  registryPassword: string;
}): Promise<AwsContractServer> {
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const sessionToken = randomBytes(24).toString('base64');
  const calls: string[] = [];
  const received: string[] = [];
  const server = createServer(async (req, res) => {
    const text = await body(req);
    received.push(text, ...Object.values(req.headers).map(String));
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.endsWith('.GetAuthorizationToken')) {
      calls.push('ecr:GetAuthorizationToken');
      const signedWith = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      if (signedWith !== accessKeyId || req.headers['x-amz-security-token'] !== sessionToken) {
        res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' }).end(
          JSON.stringify({
            __type: 'UnrecognizedClientException',
            message: 'The security token included in the request is invalid.',
          }),
        );
        return;
      }
      const token = Buffer.from(`AWS:${options.registryPassword}`).toString('base64');
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end(
        JSON.stringify({
          authorizationData: [
            {
              authorizationToken: token,
              expiresAt: Date.now() / 1000 + 43_200,
              proxyEndpoint: 'https://ecr.invalid',
            },
          ],
        }),
      );
      return;
    }
    const form = new URLSearchParams(text);
    if (form.get('Action') === 'AssumeRoleWithWebIdentity') {
      calls.push('sts:AssumeRoleWithWebIdentity');
      if (
        form.get('WebIdentityToken') !== options.webIdentityToken ||
        form.get('RoleArn') !== options.roleArn
      ) {
        res
          .writeHead(400, { 'Content-Type': 'text/xml' })
          .end(
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
              "<Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider</Message>" +
              '</Error><RequestId>kiln-test</RequestId></ErrorResponse>',
          );
        return;
      }
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(
        `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>project_path:group/images:ref_type:branch:ref:main</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>${options.roleArn.replace(':role/', ':assumed-role/')}/${form.get('RoleSessionName') ?? ''}</Arn>
      <AssumedRoleId>AROAKILNTEST:${form.get('RoleSessionName') ?? ''}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${sessionToken}</SessionToken>
      <SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>
      <Expiration>${expiration}</Expiration>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>gitlab.example.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>kiln-test</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
      );
      return;
    }
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`unexpected request ${req.method} ${req.url}`);
  });
  const { url, stop } = await listenLocal(server);
  return { url, calls, received, stop };
}
