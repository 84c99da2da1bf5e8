import { useState } from 'react';
import type { WorkbenchClient } from '../client/client';
import { createStreamBench } from '../runs/bench/stream-bench';
import { RunsView } from '../runs/RunsView';
import { streamBenchRequested } from '../runs/route';

/** Runs: the queue and live dashboards; `#/runs?bench=stream` swaps the engine for the streaming benchmark's feed. */
export function RunsSection({ client }: { client: WorkbenchClient }) {
  const [bench] = useState(() => (streamBenchRequested(window.location.hash) ? createStreamBench() : undefined));
  return <RunsView client={bench ?? client} />;
}
