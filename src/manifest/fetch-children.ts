// Fetches each per-architecture image by digest (never by its mutable tag) with its config blob,
// the input of verifyChildren and assembleIndex.
import { KilnError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import type { ManifestSpec } from '../types.js';
import type { FetchedChild } from './verify-children.js';

export async function fetchChildren(options: {
  client: RegistryClient;
  repository: string;
  spec: ManifestSpec;
  digests: Record<string, string>;
}): Promise<FetchedChild[]> {
  const { client, repository, spec, digests } = options;
  return await Promise.all(
    spec.children.map(async (child) => {
      const digest = digests[child.arch] ?? '';
      const where = `${client.host}/${repository}@${digest} (${child.arch}, pushed as ${child.tag})`;
      const manifest = await client.getManifest(repository, digest);
      if (!manifest) {
        throw new KilnError('MANIFEST_FAILED', `the ${child.arch} image ${where} is not in the registry`, {
          hint: `the digest file ${child.digestFile} names an image that was never pushed or was deleted; rerun build:${spec.project}:${child.arch}`,
        });
      }
      let configDigest: unknown;
      try {
        configDigest = (JSON.parse(manifest.bytes.toString('utf8')) as { config?: { digest?: unknown } })
          .config?.digest;
      } catch (error) {
        throw new KilnError('MANIFEST_FAILED', `the ${child.arch} manifest ${where} is not JSON`, {
          cause: error,
        });
      }
      let config: FetchedChild['config'] = {};
      if (typeof configDigest === 'string') {
        const blob = await client.getBlob(repository, configDigest);
        try {
          config = JSON.parse(blob.toString('utf8')) as FetchedChild['config'];
        } catch (error) {
          throw new KilnError(
            'MANIFEST_FAILED',
            `the config of the ${child.arch} image ${where} is not JSON`,
            { cause: error },
          );
        }
      }
      return {
        platform: child.platform,
        arch: child.arch,
        digest,
        mediaType: manifest.mediaType,
        size: manifest.bytes.length,
        config,
      };
    }),
  );
}
