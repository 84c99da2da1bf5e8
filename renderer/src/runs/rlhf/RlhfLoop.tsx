import { useState } from 'react';
import type { DatasetSummary, VerbResponse } from '../../../../preload/contract';
import type { WorkbenchClient } from '../../client/client';
import { Panel } from '../../components/Panel';
import { useEvent } from '../../hooks/useEvent';
import { useVerb } from '../../hooks/useVerb';
import { JudgePicker } from '../../wizard/JudgePicker';
import { type IterationForm, iterationRequest, nextIterationName } from './iteration-form';

type Iteration = VerbResponse<'rlhf.history'>['iterations'][number];

const figure = (value: number | null, digits = 3) => (value === null ? '–' : value.toFixed(digits));

function History({ iterations }: { iterations: Iteration[] }) {
  if (iterations.length === 0) return <p className="muted">No iteration yet: the first starts from the SFT model.</p>;
  return (
    <table className="rlhf-history" data-testid="rlhf-history">
      <thead>
        <tr>
          <th>iteration</th>
          <th>status</th>
          <th>RM held-out accuracy</th>
          <th>policy score (RM)</th>
          <th>KL</th>
          <th>policy</th>
        </tr>
      </thead>
      <tbody>
        {iterations.map((it) => (
          <tr key={it.runId} data-testid="rlhf-iteration">
            <td>{it.name}</td>
            <td>{it.status}</td>
            <td>{figure(it.rewardAccuracy)}</td>
            <td>{figure(it.policyScore)}</td>
            <td>{figure(it.kl)}</td>
            <td>{it.policy ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface PickProps {
  label: string;
  testId: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
  none?: string;
}

function Pick({ label, testId, value, options, onChange, none = 'pick one' }: PickProps) {
  return (
    <label className="field">
      {label}
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{none}</option>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}

/** The form starts from the newest iteration's policy (else an SFT model) and the datasets it used. */
function initialForm(iterations: Iteration[], sftModel: string | undefined): IterationForm {
  return {
    name: nextIterationName(iterations.map((it) => it.name)),
    policy: iterations.findLast((it) => it.policy)?.policy ?? sftModel ?? '',
    rewardBase: sftModel ?? '',
    prompts: '',
    preferences: [],
    heldOut: '',
    source: 'votes',
    judge: { type: 'rule' },
    votes: '',
  };
}

const SOURCES: Record<IterationForm['source'], string> = {
  votes: 'Blind votes from the Chat section, made into a dataset',
  judge: 'A judge labels pairs of its answers (RLAIF)',
};

interface NewPairsSourceProps {
  form: IterationForm;
  pairs: string[];
  update: (change: Partial<IterationForm>) => void;
}

/** Where the iteration's new pairs come from: a votes dataset, or a judge on the newest policy's answers. */
function NewPairsSource({ form, pairs, update }: NewPairsSourceProps) {
  return (
    <fieldset className="rlhf-source">
      <legend>New pairs on the newest policy's answers</legend>
      {(Object.keys(SOURCES) as Array<IterationForm['source']>).map((source) => (
        <label key={source} className="radio">
          <input
            type="radio"
            name="rlhf-source"
            data-testid={`rlhf-source-${source}`}
            checked={form.source === source}
            onChange={() => update({ source })}
          />
          {SOURCES[source]}
        </label>
      ))}
      {form.source === 'votes' ? (
        <Pick
          label="Votes dataset"
          testId="rlhf-votes"
          value={form.votes}
          options={pairs}
          onChange={(votes) => update({ votes })}
        />
      ) : (
        <JudgePicker
          legend="Judge"
          judge={form.judge}
          choices={['rule', 'openai']}
          onChange={(judge) => update({ judge })}
        />
      )}
    </fieldset>
  );
}

interface LoopFormProps {
  client: WorkbenchClient;
  iterations: Iteration[];
  models: string[];
  sftModel: string | undefined;
  datasets: DatasetSummary[];
  onStarted: (runId: string) => void;
}

function LoopForm({ client, iterations, models, sftModel, datasets, onStarted }: LoopFormProps) {
  const [form, setForm] = useState(() => initialForm(iterations, sftModel));
  // Models finished after the panel opened fill the fields still empty; what the user picked stays.
  const defaults = initialForm(iterations, sftModel);
  if ((!form.policy && defaults.policy) || (!form.rewardBase && defaults.rewardBase)) {
    setForm({ ...form, policy: form.policy || defaults.policy, rewardBase: form.rewardBase || defaults.rewardBase });
  }
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const update = (change: Partial<IterationForm>) => setForm((previous) => ({ ...previous, ...change }));
  const pairs = datasets.filter((d) => d.kind === 'preference').map((d) => d.name);
  const prompted = datasets.filter((d) => d.kind === 'prompt_only' || d.kind === 'preference').map((d) => d.name);
  const asked = iterationRequest(form);
  const start = () => {
    if (!('request' in asked)) return;
    setPending(true);
    setError(undefined);
    client.call('rlhf.iterate', asked.request).then(
      (run) => {
        setPending(false);
        onStarted(run.id);
      },
      (failure: Error) => {
        setPending(false);
        setError(`The iteration was not started: ${failure.message}`);
      },
    );
  };
  const togglePreference = (name: string, on: boolean) =>
    update({ preferences: on ? [...form.preferences, name] : form.preferences.filter((p) => p !== name) });
  return (
    <div className="rlhf-form" data-testid="rlhf-form">
      <div className="rlhf-fields">
        <label className="field">
          Name
          <input data-testid="rlhf-name" value={form.name} onChange={(e) => update({ name: e.target.value })} />
        </label>
        <Pick
          label="Newest policy"
          testId="rlhf-policy"
          value={form.policy}
          options={models}
          onChange={(policy) => update({ policy })}
        />
        <Pick
          label="Reward model starts from"
          testId="rlhf-reward-base"
          value={form.rewardBase}
          options={models}
          onChange={(rewardBase) => update({ rewardBase })}
        />
        <Pick
          label="Prompts"
          testId="rlhf-prompts"
          value={form.prompts}
          options={prompted}
          onChange={(prompts) => update({ prompts })}
        />
        <Pick
          label="Held-out pairs (RM accuracy)"
          testId="rlhf-held-out"
          value={form.heldOut}
          options={pairs}
          onChange={(heldOut) => update({ heldOut })}
          none="none"
        />
      </div>
      <fieldset className="rlhf-preferences">
        <legend>Earlier pairs the reward model keeps</legend>
        {pairs.map((name) => (
          <label key={name} className="radio">
            <input
              type="checkbox"
              data-testid={`rlhf-keep-${name}`}
              checked={form.preferences.includes(name)}
              onChange={(e) => togglePreference(name, e.target.checked)}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <NewPairsSource form={form} pairs={pairs} update={update} />
      <button
        type="button"
        className="primary"
        data-testid="rlhf-start"
        disabled={!('request' in asked) || pending}
        onClick={start}
      >
        {pending ? 'Starting…' : 'Run the next iteration'}
      </button>
      {'missing' in asked ? (
        <span className="muted" data-testid="rlhf-missing">
          {' '}
          {asked.missing}
        </span>
      ) : null}
      {error ? (
        <p className="panel-error" role="alert" data-testid="rlhf-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The RLHF iteration loop as one action: each iteration's reward-model accuracy and policy score, and the form that
 * queues the next one (new pairs → retrain the reward model on old + new → PPO from the newest policy).
 */
export function RlhfLoop({ client, onStarted }: { client: WorkbenchClient; onStarted: (runId: string) => void }) {
  const history = useVerb(client, 'rlhf.history', {});
  const models = useVerb(client, 'models.list', {});
  const datasets = useVerb(client, 'datasets.list', {});
  const statusError = useEvent(client, 'run.status', () => {
    history.reload();
    models.reload();
    datasets.reload();
  });
  const loaded = history.data && models.data && datasets.data;
  const modelList = models.data?.models ?? [];
  const sftModel = modelList.findLast((model) => model.method === 'sft')?.name;
  return (
    <Panel
      title="RLHF iterations"
      testId="rlhf-loop"
      error={history.error ?? models.error ?? datasets.error ?? statusError}
    >
      {loaded ? (
        <>
          <History iterations={history.data?.iterations ?? []} />
          <details className="rlhf-next" data-testid="rlhf-next">
            <summary>Next iteration: new pairs → reward model on old + new → PPO</summary>
            <LoopForm
              client={client}
              iterations={history.data?.iterations ?? []}
              models={modelList.map((model) => model.name)}
              sftModel={sftModel}
              datasets={datasets.data?.datasets ?? []}
              onStarted={onStarted}
            />
          </details>
        </>
      ) : (
        <p className="muted">Reading the iterations…</p>
      )}
    </Panel>
  );
}
