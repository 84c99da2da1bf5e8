import type { Method } from '../../../main/engine/advisor/types';
import type { WizardForm } from './form';
import { NumberField } from './NumberField';
import { INTEGER_SETTINGS, METHOD_LABELS, WIZARD_METHODS } from './stage-defaults';

interface AdvancedSettingsProps {
  form: WizardForm;
  update: (change: Partial<WizardForm>) => void;
}

const RECIPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function recipeNameProblem(name: string): string | undefined {
  return RECIPE_NAME.test(name) ? undefined : 'The recipe name takes letters, digits, ".", "_" and "-".';
}

/** `max_steps` → `max-steps`: the test id of a stage setting is `<key>-<method>`, e.g. `max-steps-sft`. */
function settingTestId(key: string, method: Method): string {
  return `${key.replaceAll('_', '-')}-${method}`;
}

/** Recipe name, seed, and each method's settings under TRL's names (the stage's config as submitted). */
export function AdvancedSettings({ form, update }: AdvancedSettingsProps) {
  const setSetting = (method: Method, key: string, value: number) =>
    update({ stages: { ...form.stages, [method]: { ...form.stages[method], [key]: value } } });
  const nameProblem = recipeNameProblem(form.recipeName);
  return (
    <details className="advanced" data-testid="advanced">
      <summary data-testid="advanced-toggle">Advanced: recipe name, seed, steps, learning rates, batch sizes</summary>
      <div className="advanced-common">
        <label className="field">
          Recipe name
          <input
            data-testid="recipe-name"
            value={form.recipeName}
            aria-invalid={nameProblem !== undefined}
            onChange={(e) => update({ recipeName: e.target.value })}
          />
        </label>
        <NumberField label="Seed" integer testId="seed" value={form.seed} onChange={(seed) => update({ seed })} />
      </div>
      {nameProblem ? <p className="panel-error">{nameProblem}</p> : null}
      <div className="advanced-stages">
        {WIZARD_METHODS.map((method) => (
          <fieldset key={method} className="stage-settings">
            <legend>{METHOD_LABELS[method]}</legend>
            {Object.entries(form.stages[method]).map(([key, value]) => (
              <NumberField
                key={key}
                label={key}
                testId={settingTestId(key, method)}
                integer={INTEGER_SETTINGS.has(key)}
                min={INTEGER_SETTINGS.has(key) ? 1 : 0}
                value={value}
                onChange={(next) => setSetting(method, key, next)}
              />
            ))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}
