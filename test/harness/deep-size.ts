// GitLab's measure of a pipeline file, run for real: Ruby's Psych loads the YAML as GitLab's config
// loader does (lib/gitlab/config/loader/yaml.rb: safe_load, Symbol permitted, aliases on), and a
// traversal shaped like Gitlab::Utils::DeepSize sums ObjectSpace.memsize_of over the loaded objects:
// every object counted each time it is reached (no dedup), a Hash's keys and values, an Array's
// elements. GitLab compares that sum with max_yaml_size_bytes. One ruby process measures many files.
import { execFileSync } from 'node:child_process';
import { requireTool } from './tools.js';

const SCRIPT = `
require 'json'
require 'objspace'
require 'psych'
def deep_size(object, depth = 0)
  size = ObjectSpace.memsize_of(object)
  case object
  when Array then object.each { |child| size += deep_size(child, depth + 1) }
  when Hash then object.each { |key, value| size += deep_size(key, depth + 1) + deep_size(value, depth + 1) }
  end
  size
end
texts = JSON.parse($stdin.read)
sizes = texts.map { |text| deep_size(Psych.safe_load(text, permitted_classes: [Symbol], permitted_symbols: [], aliases: true)) }
$stdout.write(JSON.generate({ 'ruby' => RUBY_VERSION, 'sizes' => sizes }))
`;

export interface DeepSizes {
  /** The Ruby that measured them (Debian 12: 3.1). */
  ruby: string;
  sizes: number[];
}

/** GitLab's loaded size of each YAML text, measured by Ruby. */
export function gitlabDeepSizes(texts: readonly string[]): DeepSizes {
  requireTool('ruby', 'ruby');
  const out = execFileSync('ruby', ['-e', SCRIPT], {
    input: JSON.stringify(texts),
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as DeepSizes;
}
