import { type FormEvent, useState } from 'react';
import type { RunSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { useVerb } from '../hooks/useVerb';
import { parseSettings } from './settings';

interface ForkFormProps {
  client: WorkbenchClient;
  run: RunSummary;
  onForked: (run: RunSummary) => void;
}

/** The checkpoint to fork from: the newest of the last stage that has one, unless the user picks another. */
function useCheckpointChoice(checkpoints: Array<{ stage: string; step: number }>) {
  const stages = [...new Set(checkpoints.map((checkpoint) => checkpoint.stage))];
  const [stageChoice, setStage] = useState<string>();
  const stage = stageChoice ?? stages.at(-1);
  const steps = checkpoints.filter((checkpoint) => checkpoint.stage === stage).map((checkpoint) => checkpoint.step);
  const [stepChoice, setStep] = useState<number>();
  const step = stepChoice !== undefined && steps.includes(stepChoice) ? stepChoice : steps.at(-1);
  return { stages, stage, setStage, steps, step, setStep };
}

function useFork(client: WorkbenchClient, runId: string, onForked: (run: RunSummary) => void) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const fork = (where: { stage?: string | undefined; step?: number | undefined }, settings: string) => {
    const parsed = parseSettings(settings);
    if (!parsed.ok) return setError(parsed.error);
    setPending(true);
    setError(undefined);
    const at =
      where.stage === undefined
        ? {}
        : { stage: where.stage, ...(where.step === undefined ? {} : { step: where.step }) };
    client.call('runs.fork', { runId, ...at, set: parsed.set }).then(
      (forked) => {
        setPending(false);
        onForked(forked);
      },
      (problem: Error) => {
        setPending(false);
        setError(`Fork failed: ${problem.message}`);
      },
    );
  };
  return { fork, pending, error };
}

/** A new run from one of this run's checkpoints, with changed settings; checkpoints are read fresh when it opens. */
export function ForkForm({ client, run, onForked }: ForkFormProps) {
  const detail = useVerb(client, 'runs.show', { runId: run.id });
  const checkpoints = detail.data?.checkpoints ?? [];
  const choice = useCheckpointChoice(checkpoints);
  const [settings, setSettings] = useState('');
  const { fork, pending, error } = useFork(client, run.id, onForked);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    fork({ stage: choice.stage, step: choice.step }, settings);
  };

  return (
    <form className="fork-form" data-testid="fork-form" onSubmit={submit}>
      {detail.error ? <p className="panel-error">Could not read the checkpoints: {detail.error}</p> : null}
      {detail.data && checkpoints.length === 0 ? (
        <p className="muted">No checkpoint yet: they are saved every save_steps.</p>
      ) : null}
      <label>
        Stage
        <select data-testid="fork-stage" value={choice.stage ?? ''} onChange={(e) => choice.setStage(e.target.value)}>
          {choice.stages.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Checkpoint step
        <select
          data-testid="fork-step"
          value={choice.step ?? ''}
          onChange={(e) => choice.setStep(Number(e.target.value))}
        >
          {choice.steps.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      <label className="fork-settings">
        Changed settings (key=value per line, TRL names)
        <textarea
          data-testid="fork-settings"
          rows={3}
          placeholder={'learning_rate=1e-5\nmax_steps=200'}
          value={settings}
          onChange={(e) => setSettings(e.target.value)}
        />
      </label>
      <button type="submit" data-testid="fork-submit" disabled={pending || checkpoints.length === 0}>
        {pending ? 'Forking…' : 'Fork'}
      </button>
      {error ? (
        <p className="panel-error" role="alert" data-testid="fork-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
