/**
 * The Runs section's place in the URL: `#/runs/RUN_ID` selects a run (the wizard navigates there after "Create runs",
 * and a reload re-attaches to it); `#/runs?bench=stream` opens the streaming benchmark instead of the engine's runs.
 */
export function runIdFromHash(hash: string): string | undefined {
  const match = /^#\/?runs\/([^?/]+)/.exec(hash);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export function runHash(runId: string): string {
  return `#/runs/${encodeURIComponent(runId)}`;
}

export function streamBenchRequested(hash: string): boolean {
  const query = hash.split('?')[1];
  return query !== undefined && new URLSearchParams(query).get('bench') === 'stream';
}
