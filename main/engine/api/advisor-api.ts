/** advisor.*: the wizard's recommendation, with time estimates from the training throughput measured here. */
import path from 'node:path';
import { recommend } from '../advisor/advisor';
import { MetricsLog } from '../runs/metrics-log';
import { RunStore } from '../runs/run-store';
import { runFolder } from '../runs/runner';
import type { ApiContext, VerbHandlers } from './context';

const RECENT_RUNS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median training tokens/s per method over the logged steps of the newest runs. */
export async function measuredThroughput(workspace: string) {
  const runs = (await RunStore.open(workspace)).list().slice(-RECENT_RUNS);
  const perMethod = new Map<string, number[]>();
  for (const run of runs) {
    const lines = await new MetricsLog(path.join(runFolder(workspace, run.id), 'metrics.jsonl')).read();
    for (const line of lines) {
      const method = run.stages.find((stage) => stage.name === line.stage)?.method;
      if (!method || typeof line.tokens_per_second !== 'number') continue;
      perMethod.set(method, [...(perMethod.get(method) ?? []), line.tokens_per_second]);
    }
  }
  const tokensPerSecond = Object.fromEntries([...perMethod].map(([method, values]) => [method, median(values)]));
  const basis =
    perMethod.size > 0
      ? `median of the logged steps of the last ${runs.length} runs in this workspace`
      : 'no run has trained in this workspace yet';
  return { tokensPerSecond, basis };
}

export function advisorApi({ workspace }: ApiContext) {
  const handlers: VerbHandlers<'advisor.recommend' | 'advisor.throughput'> = {
    'advisor.recommend': async (input) => recommend(input),
    'advisor.throughput': async () => measuredThroughput(workspace),
  };
  return handlers;
}
