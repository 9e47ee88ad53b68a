// Image metadata a team sets once: custom labels, and the OCI annotations kiln knows
// (description, licenses, url, vendor, documentation), from kiln.yaml for every project and from
// a project's build-config.yaml for that one (its keys win). kiln sets them on the index and
// passes them to the builders as labels (plan-project.ts). The keys kiln writes itself (created,
// revision, source, version, title) are not for configs to set.
import { type RefinementCtx, z } from 'zod';
import { unsafeTextFinding } from './unsafe-text.js';

export const OCI_ANNOTATION_KEYS = ['description', 'licenses', 'url', 'vendor', 'documentation'] as const;
export type OciAnnotationKey = (typeof OCI_ANNOTATION_KEYS)[number];

export const OCI_PREFIX = 'org.opencontainers.image.';

/** A label key: reverse-DNS style (`com.example.team`), letters, digits, `.`, `_`, `-` and `/`. */
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const MAX_VALUE = 1024;

/** Problems carry their hint as build-config-schema.ts's do (`params.hint`, `params.onKey`). */
function checkValue(value: string, ctx: RefinementCtx): void {
  const finding = unsafeTextFinding(value, 'write the value on one line');
  if (finding) ctx.addIssue({ code: 'custom', message: finding.message, params: { hint: finding.hint } });
  else if (value.length > MAX_VALUE) {
    ctx.addIssue({
      code: 'custom',
      message: `is ${value.length} characters; a label value here may have ${MAX_VALUE}`,
      params: { hint: 'shorten it, or link to a page with the rest' },
    });
  }
}

const value = z.string().superRefine(checkValue);

export const labelsSchema = z
  .record(z.string(), value)
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      if (key.startsWith(OCI_PREFIX)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is an OCI annotation: kiln sets ${OCI_PREFIX}created, revision, source, version and title itself`,
          params: { hint: `set ${OCI_ANNOTATION_KEYS.join(', ')} under annotations: instead`, onKey: true },
        });
      } else if (!LABEL_KEY.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is not a label key`,
          params: {
            hint: 'use reverse-DNS keys such as com.example.team: letters, digits, . _ - /',
            onKey: true,
          },
        });
      }
    }
  })
  .meta({
    description: 'Custom labels on every image and on the multi-arch index.',
    examples: [{ 'com.example.team': 'platform' }],
  });

export const annotationsSchema = z
  .object(
    Object.fromEntries(OCI_ANNOTATION_KEYS.map((key) => [key, value.optional()])) as Record<
      OciAnnotationKey,
      z.ZodOptional<typeof value>
    >,
  )
  .strict()
  .meta({
    description: `OCI annotations on the index (and labels on each image): ${OCI_ANNOTATION_KEYS.map((k) => OCI_PREFIX + k).join(', ')}.`,
    examples: [{ description: 'Kaniko, patched', licenses: 'Apache-2.0', vendor: 'Platform team' }],
  });

export interface Metadata {
  labels: Record<string, string>;
  annotations: Partial<Record<OciAnnotationKey, string>>;
}

/**
 * What one image carries: the custom labels, and each annotation under its OCI key; the
 * project's values over kiln.yaml's. Sorted by key, so the index bytes never depend on file order.
 */
export function imageMetadata(shared: Metadata, project: Partial<Metadata>): Record<string, string> {
  const merged: Record<string, string> = { ...shared.labels, ...project.labels };
  const annotations = { ...shared.annotations, ...project.annotations };
  for (const key of OCI_ANNOTATION_KEYS) {
    const text = annotations[key];
    if (text !== undefined) merged[`${OCI_PREFIX}${key}`] = text;
  }
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
