// Reads YAML the way GitLab does: with Ruby's Psych (YAML 1.1, libyaml), through `safe_load`, as
// GitLab's config loader does (lib/gitlab/config/loader/yaml.rb: Psych safe_load with aliases).
// kiln's own YAML library is no proof of what GitLab sees. Every value comes back as JSON, with
// each non-string (a boolean, an integer, a date, a symbol) marked with its Ruby class, so a test
// can tell "yes" from true. One ruby process reads many documents.
import { execFileSync } from 'node:child_process';
import { requireTool } from './tools.js';

const SCRIPT = `
require 'json'
require 'psych'
def typed(v)
  case v
  when String then v
  when Array then v.map { |x| typed(x) }
  when Hash then v.each_with_object({}) { |(k, x), h| h[k.is_a?(String) ? k : "$ruby:#{k.class}:#{k.inspect}"] = typed(x) }
  else { '$ruby' => v.class.name, 'inspect' => v.inspect }
  end
end
docs = JSON.parse($stdin.read)
out = docs.map do |text|
  begin
    { 'ok' => true, 'value' => typed(Psych.safe_load(text, permitted_classes: [Symbol], aliases: true)) }
  rescue Exception => e
    { 'ok' => false, 'error' => "#{e.class}: #{e.message}" }
  end
end
$stdout.write(JSON.generate(out))
`;

export type PsychResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Loads each YAML text with Psych; one result per text, in order. */
export function psychLoadAll(texts: readonly string[]): PsychResult[] {
  requireTool('ruby', 'ruby');
  const out = execFileSync('ruby', ['-e', SCRIPT], {
    input: JSON.stringify(texts),
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as PsychResult[];
}

/** Loads one YAML text with Psych, throwing what Psych said when it refuses it. */
export function psychLoad(text: string): unknown {
  const [result] = psychLoadAll([text]);
  if (!result?.ok) throw new Error(`Psych refused the YAML: ${result?.error}`);
  return result.value;
}

/** `value` as psychLoad returns it: strings as they are, every other scalar marked with its Ruby class. */
export function asPsychTyped(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(asPsychTyped);
  if (value === null) return { $ruby: 'NilClass', inspect: 'nil' };
  if (typeof value === 'boolean')
    return { $ruby: value ? 'TrueClass' : 'FalseClass', inspect: String(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { $ruby: 'Integer', inspect: String(value) }
      : { $ruby: 'Float', inspect: String(value) };
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPsychTyped(v)]));
  }
  throw new Error(`no YAML form for ${typeof value}`);
}
