import { useState } from 'react';
import type { ModelSummary, RunSummary } from '../../../preload/contract';
import { useAction } from '../app/useAction';
import type { WorkbenchClient } from '../client/client';
import { defaultDpoBase, votesDpoRecipe } from './recipe';

const DEFAULT_STEPS = '50';

interface TrainDpoProps {
  client: WorkbenchClient;
  models: ModelSummary[];
  picks: string[];
  dataset: string;
}

/** "Train DPO on these votes": a one-stage DPO recipe on the new dataset, queued with runs.start. */
export function TrainDpo({ client, models, picks, dataset }: TrainDpoProps) {
  const [base, setBase] = useState(() => defaultDpoBase(picks, models) ?? '');
  const [steps, setSteps] = useState(DEFAULT_STEPS);
  const maxSteps = Number(steps);
  const stepsValid = Number.isInteger(maxSteps) && maxSteps > 0;
  const train = useAction(() =>
    client.call('runs.start', { recipe: votesDpoRecipe(base, dataset, maxSteps, new Date()) }),
  );
  return (
    <div className="train-dpo">
      <BaseSelect models={models} base={base} onChange={setBase} />
      <label>
        Steps
        <input
          type="number"
          min={1}
          step={1}
          data-testid="train-dpo-steps"
          value={steps}
          onChange={(event) => setSteps(event.target.value)}
        />
      </label>
      <button
        type="button"
        data-testid="train-dpo"
        disabled={!base || !stepsValid || train.pending}
        onClick={() => train.run()}
      >
        {train.pending ? 'Queueing the run…' : 'Train DPO on these votes'}
      </button>
      {stepsValid ? null : <p className="field-error">Steps: a whole number above 0.</p>}
      {train.error ? (
        <p className="panel-error" role="alert" data-testid="train-dpo-error">
          {train.error}
        </p>
      ) : null}
      {train.result ? <RunLink run={train.result} /> : null}
    </div>
  );
}

function BaseSelect({
  models,
  base,
  onChange,
}: {
  models: ModelSummary[];
  base: string;
  onChange: (base: string) => void;
}) {
  return (
    <label>
      Start from
      <select data-testid="train-dpo-base" value={base} onChange={(event) => onChange(event.target.value)}>
        {models.map((model) => (
          <option key={model.name} value={model.name}>
            {model.method ? `${model.name} (${model.method})` : model.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function RunLink({ run }: { run: RunSummary }) {
  return (
    <p role="status">
      Run <strong>{run.name}</strong> {run.status}:{' '}
      <a data-testid="train-dpo-run" href={`#/runs/${encodeURIComponent(run.id)}`}>
        watch it in Runs
      </a>
    </p>
  );
}
