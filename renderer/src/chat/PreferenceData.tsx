import { useState } from 'react';
import type { ModelSummary } from '../../../preload/contract';
import { useAction } from '../app/useAction';
import type { WorkbenchClient } from '../client/client';
import { NAME_PATTERN, timeStamp } from './recipe';
import { TrainDpo } from './TrainDpo';

/** The votes as a preference dataset (votes.toDataset), then a DPO run on it. */
export function PreferenceData({
  client,
  models,
  picks,
}: {
  client: WorkbenchClient;
  models: ModelSummary[];
  picks: string[];
}) {
  const [name, setName] = useState(() => `votes-${timeStamp(new Date())}`);
  const make = useAction(() => client.call('votes.toDataset', { name: name.trim() }));
  const nameProblem = NAME_PATTERN.test(name.trim()) ? undefined : 'Letters, digits, ".", "_" or "-" (64 at most).';
  const result = make.result;
  return (
    <div className="preference-data">
      <label>
        Dataset name
        <input data-testid="votes-dataset-name" value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <button
        type="button"
        data-testid="make-dataset"
        disabled={nameProblem !== undefined || make.pending}
        onClick={() => make.run()}
      >
        {make.pending ? 'Making the dataset…' : 'Make preference dataset'}
      </button>
      {nameProblem ? <p className="field-error">{nameProblem}</p> : null}
      {make.error ? (
        <p className="panel-error" role="alert" data-testid="make-dataset-error">
          {make.error}
        </p>
      ) : null}
      {result ? (
        <p data-testid="dataset-result" role="status">
          Dataset <strong>{result.dataset.name}</strong>: {result.pairs} preference pairs; {result.leftOut} votes left
          out (ties and “both bad” have no winner).
        </p>
      ) : null}
      {result ? <TrainDpo client={client} models={models} picks={picks} dataset={result.dataset.name} /> : null}
    </div>
  );
}
