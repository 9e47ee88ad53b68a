// The builder registry: one backend per name behind the Builder interface.
import type { BuilderName } from '../types.js';
import { buildahBuilder } from './buildah/buildah-builder.js';
import type { Builder } from './builder.js';
import { kanikoBuilder } from './kaniko/index.js';

const BUILDERS: Record<BuilderName, Builder> = { kaniko: kanikoBuilder, buildah: buildahBuilder };

export function builderFor(name: BuilderName): Builder {
  return BUILDERS[name];
}
