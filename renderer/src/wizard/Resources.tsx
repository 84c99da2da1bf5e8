import type { ModelSummary } from '../../../preload/contract';
import { isAlreadySft, type WizardForm } from './form';
import { NumberField } from './NumberField';

interface ResourcesProps {
  form: WizardForm;
  models: ModelSummary[];
  update: (change: Partial<WizardForm>) => void;
}

function describeModel(model: ModelSummary): string {
  const millions = model.parameters / 1e6;
  const size = millions >= 1 ? `${millions.toFixed(1)}M` : `${Math.round(model.parameters / 1e3)}K`;
  return `${model.name} (${size} parameters${isAlreadySft(model) ? ', already fine-tuned' : ''})`;
}

/** The base model, the GPU's memory, the time budget, the annotators, and full fine-tuning or LoRA. */
export function Resources({ form, models, update }: ResourcesProps) {
  return (
    <div className="resources">
      <label className="field">
        Base model
        <select
          data-testid="base-model"
          value={form.model ?? ''}
          onChange={(e) => update({ model: e.target.value || undefined })}
        >
          <option value="">{models.length === 0 ? 'no model in the workspace' : 'pick a model'}</option>
          {models.map((model) => (
            <option key={model.name} value={model.name}>
              {describeModel(model)}
            </option>
          ))}
        </select>
      </label>
      <NumberField
        label="GPU memory"
        unit="GB"
        testId="gpu-memory"
        value={form.gpuMemoryGb}
        onChange={(gpuMemoryGb) => update({ gpuMemoryGb })}
      />
      <NumberField
        label="Time budget"
        unit="hours"
        testId="time-budget"
        value={form.timeBudgetHours}
        onChange={(timeBudgetHours) => update({ timeBudgetHours })}
      />
      <NumberField
        label="Annotators"
        integer
        testId="annotators"
        value={form.annotators}
        onChange={(annotators) => update({ annotators })}
      />
      <label className="field checkbox">
        <input
          type="checkbox"
          data-testid="lora"
          checked={form.lora}
          onChange={(e) => update({ lora: e.target.checked })}
        />
        Train LoRA adapters instead of all weights
      </label>
      {form.lora ? (
        <NumberField
          label="LoRA rank"
          integer
          min={1}
          testId="lora-rank"
          value={form.loraRank}
          onChange={(loraRank) => update({ loraRank })}
        />
      ) : null}
    </div>
  );
}
