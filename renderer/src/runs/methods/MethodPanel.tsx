import type { RunLog } from '../../../../preload/contract';
import type { WorkbenchClient } from '../../client/client';
import type { RunMetrics } from '../run-metrics';
import type { Numbered } from '../useRunStream';
import { CaiPanel } from './CaiPanel';
import { PpoPanel } from './PpoPanel';
import { RlaifPanel } from './RlaifPanel';
import { stageConfig } from './stage-config';

interface MethodPanelProps {
  client: WorkbenchClient;
  runId: string;
  stage: { name: string; method: string };
  /** The stage's place in the run, to find its config in a recipe whose stages have no names. */
  position: number;
  recipe: unknown;
  metrics: RunMetrics;
  logs: Array<Numbered<RunLog>>;
}

/** The selected stage's method-specific panel (RLAIF, CAI or PPO); other methods have none. */
export function MethodPanel({ client, runId, stage, position, recipe, metrics, logs }: MethodPanelProps) {
  // Keyed by stage so that switching tabs starts each panel afresh (its own load, its own error).
  switch (stage.method) {
    case 'rlaif':
      return <RlaifPanel key={stage.name} client={client} runId={runId} stage={stage.name} />;
    case 'cai':
      return <CaiPanel key={stage.name} client={client} runId={runId} stage={stage.name} />;
    case 'ppo':
      return (
        <PpoPanel
          key={stage.name}
          metrics={metrics}
          stage={stage.name}
          config={stageConfig(recipe, stage.name, position)}
          logs={logs}
        />
      );
    default:
      return null;
  }
}
