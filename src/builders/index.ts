// The builder registry: one backend per name behind the Builder interface.
import { KilnError } from '../errors.js';
import type { BuilderName } from '../types.js';
import type { Builder } from './builder.js';
import { kanikoBuilder } from './kaniko/index.js';

const BUILDERS: Partial<Record<BuilderName, Builder>> = { kaniko: kanikoBuilder };

export function builderFor(name: BuilderName): Builder {
  const builder = BUILDERS[name];
  if (!builder) {
    throw new KilnError('PLAN_INVALID', `the ${name} builder is not available in this kiln build`, {
      hint: 'use builder: kaniko',
    });
  }
  return builder;
}
