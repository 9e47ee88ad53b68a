// How big GitLab finds a pipeline file. GitLab does not limit a CI file by its bytes: it loads the
// YAML with Psych and sums `ObjectSpace.memsize_of` over every loaded object
// (`Gitlab::Utils::DeepSize`), then refuses the file when the sum passes the instance's
// `max_yaml_size_bytes` (2 MB by default since GitLab 17.3, MR 160826). That sum is 3 to 4 times
// the file's bytes for kiln's pipelines, so counting bytes lets through files GitLab refuses.
//
// This file estimates the sum from the value kiln is about to write, without Ruby. It walks the
// value as DeepSize walks the loaded objects (each object each time it is reached; a Hash's keys
// and values; an Array's elements) and prices each object as CRuby does:
// - Ruby 3.1 (Debian 12's ruby), exactly: test/integration/render/loaded-size.test.ts holds the
//   estimate against Ruby itself.
// - Ruby 3.2 and later (GitLab's own), from CRuby's variable-width allocation: a short string
//   fills the smallest slot of 40, 80, 160, 320 or 640 bytes that holds it, and a small hash may
//   sit in a 320-byte slot. No such Ruby runs here, so this part is modelled, not measured.
// Each object is priced at the larger of the two, so the estimate is not below either Ruby.

const SLOT = 40; // one object slot (RVALUE) on 64-bit CRuby
const VWA_SLOTS = [40, 80, 160, 320, 640];
/** RString's header before embedded bytes under variable-width allocation (flags, class, length). */
const VWA_STRING_HEADER = 24;
/** Ruby 3.1 embeds strings of at most this many bytes in the slot itself. */
const EMBED_MAX_31 = 23;
/** Ruby 3.3's Hash embeds its small table; the slot that holds it is at most this big. */
const VWA_SMALL_HASH = 320;

/** Which Ruby to price objects for: 3.1 alone, or the larger of 3.1 and 3.2+ (the bound). */
export type RubyModel = 'ruby-3.1' | 'bound';

function stringSize(bytes: number, model: RubyModel): number {
  const ruby31 = bytes <= EMBED_MAX_31 ? SLOT : SLOT + bytes + 1;
  if (model === 'ruby-3.1') return ruby31;
  const embedded = VWA_STRING_HEADER + bytes + 1;
  const slot = VWA_SLOTS.find((size) => size >= embedded);
  const vwa = slot ?? SLOT + bytes + 1;
  return Math.max(ruby31, vwa);
}

/** Capacity of an Array Psych filled by pushing `length` elements (array.c, ary_ensure_room). */
function arrayCapacity(length: number): number {
  let capacity = 3; // embedded in the slot
  for (let len = 1; len <= length; len++) {
    if (len > capacity) capacity = len + Math.max(16, Math.floor(capacity / 2));
  }
  return capacity;
}

function arraySize(length: number): number {
  return length <= 3 ? SLOT : SLOT + 8 * arrayCapacity(length);
}

/** A Hash Psych filled one key at a time (hash.c: an 8-entry array table, then an st_table). */
function hashSize(entries: number, model: RubyModel): number {
  const vwaExtra = model === 'ruby-3.1' ? 0 : VWA_SMALL_HASH - SLOT;
  // Ruby 3.3 allocates even an empty Hash with room for its small table.
  if (entries === 0) return SLOT + vwaExtra;
  if (entries <= 8) return SLOT + Math.max(128, vwaExtra);
  let capacity = 32;
  while (capacity < entries) capacity *= 2;
  const bins = capacity * 2;
  const binBytes = capacity <= 128 ? 1 : capacity <= 32768 ? 2 : 4;
  const table = SLOT + 56 + capacity * 24 + bins * binBytes;
  return table + vwaExtra;
}

/** A Hash of `entries` keys and values, without them (the bound): for sizing a file part by part. */
export function loadedHashSize(entries: number): number {
  return hashSize(entries, 'bound');
}

function entrySize(key: string, value: unknown, model: RubyModel): number {
  return stringSize(Buffer.byteLength(key, 'utf8'), model) + estimateLoadedSize(value, model);
}

/** One key and its value inside a Hash (the bound). */
export function loadedEntrySize(key: string, value: unknown): number {
  return entrySize(key, value, 'bound');
}

/**
 * GitLab's loaded size of `value` written as YAML, an upper bound of `Gitlab::Utils::DeepSize`
 * over what Psych loads. `value` is plain data: objects, arrays, strings, numbers, booleans, null.
 */
export function estimateLoadedSize(value: unknown, model: RubyModel = 'bound'): number {
  if (typeof value === 'string') return stringSize(Buffer.byteLength(value, 'utf8'), model);
  if (value === null || value === undefined || typeof value === 'boolean') return 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 0 : SLOT;
  if (Array.isArray(value)) {
    let size = arraySize(value.length);
    for (const element of value) size += estimateLoadedSize(element, model);
    return size;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    let size = hashSize(entries.length, model);
    for (const [key, element] of entries) size += entrySize(key, element, model);
    return size;
  }
  throw new Error(`no YAML form for ${typeof value}`);
}
