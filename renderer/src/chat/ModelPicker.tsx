import type { ModelSummary } from '../../../preload/contract';
import { MAX_MODELS, MIN_MODELS } from './picks';

function modelLabel(model: ModelSummary): string {
  return model.method ? `${model.name} (${model.method})` : model.name;
}

/** 2–4 models to answer side by side, as selects the keyboard can reach. */
export function ModelPicker({
  models,
  picks,
  onChange,
}: {
  models: ModelSummary[];
  picks: string[];
  onChange: (picks: string[]) => void;
}) {
  const setPick = (index: number, name: string) => onChange(picks.map((pick, i) => (i === index ? name : pick)));
  const unused = models.find((model) => !picks.includes(model.name));
  return (
    <div className="model-picker">
      {picks.map((pick, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a pick is its position; the same model may be picked twice while editing
        <div className="model-pick" key={index}>
          <label>
            Model {index + 1}
            <select
              data-testid={`chat-model-select-${index}`}
              value={pick}
              onChange={(event) => setPick(index, event.target.value)}
            >
              {models.map((model) => (
                <option key={model.name} value={model.name}>
                  {modelLabel(model)}
                </option>
              ))}
            </select>
          </label>
          {picks.length > MIN_MODELS ? (
            <button type="button" onClick={() => onChange(picks.filter((_, i) => i !== index))}>
              Remove
            </button>
          ) : null}
        </div>
      ))}
      {picks.length < MAX_MODELS && unused ? (
        <button type="button" data-testid="chat-add-model" onClick={() => onChange([...picks, unused.name])}>
          Add a model
        </button>
      ) : null}
    </div>
  );
}
