// What selection needs to know about a project: where it lives and whom it depends on or watches.
// A full Project fits; `kiln plan` passes lighter ones so it does not parse 1,000 configs to pick 50.
import type { BuildConfig, Project } from '../types.js';

export type SelectableProject = Pick<Project, 'name' | 'dir' | 'file'> & {
  config: Pick<BuildConfig, 'depends_on' | 'watch_paths'>;
};
