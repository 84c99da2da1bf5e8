import { useState } from 'react';
import type { Recommendation } from '../../../main/engine/advisor/types';
import type { WorkbenchClient } from '../client/client';
import { runHash } from '../runs/route';
import { recipeNameProblem } from './AdvancedSettings';
import type { WizardForm } from './form';
import { planRecipe } from './recipe';

interface CreateRunsProps {
  client: WorkbenchClient;
  recommendation: Recommendation | undefined;
  form: WizardForm;
}

/** Steps for a training stage; prompts for a data stage (CAI, RLAIF), which makes a dataset rather than steps. */
function stageSize(config: Record<string, unknown>): string {
  if (config.max_steps !== undefined) return `${config.max_steps} steps`;
  return config.max_prompts !== undefined ? `up to ${config.max_prompts} prompts` : 'every prompt';
}

/** One click: the recommended pipeline as one recipe, queued with runs.start; then the Runs section shows it. */
export function CreateRuns({ client, recommendation, form }: CreateRunsProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const plan = recommendation ? planRecipe(recommendation, form) : undefined;
  const problem = recipeNameProblem(form.recipeName);

  const create = () => {
    if (!plan?.recipe) return;
    setPending(true);
    setError(undefined);
    client.call('runs.start', { recipe: plan.recipe }).then(
      (run) => {
        setPending(false);
        window.location.hash = runHash(run.id);
      },
      (failure: Error) => {
        setPending(false);
        setError(`The runs were not created: ${failure.message}`);
      },
    );
  };

  return (
    <div className="create-runs">
      {plan?.recipe ? (
        <p data-testid="create-stages">
          Will queue <strong>{plan.recipe.name}</strong>:{' '}
          {plan.recipe.stages
            .map((stage) => `${stage.name} (${stage.dataset}, ${stageSize(stage.config)})`)
            .join(' → ')}
        </p>
      ) : null}
      {plan && plan.notes.length > 0 ? (
        <ul className="create-notes" data-testid="create-notes">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      <button
        type="button"
        className="primary"
        data-testid="create-runs"
        disabled={!plan?.recipe || pending || problem !== undefined}
        onClick={create}
      >
        {pending ? 'Creating…' : 'Create runs'}
      </button>
      {!recommendation ? <span className="muted"> Waiting for a recommendation.</span> : null}
      {error ? (
        <p className="panel-error" role="alert" data-testid="create-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
