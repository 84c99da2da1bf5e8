/**
 * A fork's changed settings, typed as `key=value` lines (TRL names), into the `set` object of `runs.fork`. Values read
 * as JSON where they parse (numbers, true/false, objects), else as text: `lr_scheduler_type=cosine` needs no quotes.
 */
export type ParsedSettings = { ok: true; set: Record<string, unknown> } | { ok: false; error: string };

export function parseSettings(text: string): ParsedSettings {
  const set: Record<string, unknown> = {};
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const key = equals > 0 ? line.slice(0, equals).trim() : '';
    if (!key) return { ok: false, error: `line ${index + 1}: expected key=value, got "${line}"` };
    set[key] = readValue(line.slice(equals + 1).trim());
  }
  return { ok: true, set };
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
