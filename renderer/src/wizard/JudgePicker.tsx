import { JUDGE_LABELS, type JudgeChoice } from './judge';

interface JudgePickerProps {
  judge: JudgeChoice;
  onChange: (judge: JudgeChoice) => void;
  /** The judges offered (all by default). */
  choices?: Array<JudgeChoice['type']>;
  legend?: string;
}

const ENDPOINT_START: JudgeChoice = { type: 'openai', url: '', model: '', apiKeyEnv: '' };

/** Who labels RLAIF's pairs: the recipe's reward model, the demo's scripted oracle, or a chat endpoint. */
export function JudgePicker({ judge, onChange, choices, legend = 'RLAIF judge' }: JudgePickerProps) {
  const pick = (type: JudgeChoice['type']) =>
    onChange(type === 'openai' ? (judge.type === 'openai' ? judge : ENDPOINT_START) : { type });
  return (
    <fieldset className="judge" data-testid="judge-picker">
      <legend>{legend}</legend>
      {(choices ?? (Object.keys(JUDGE_LABELS) as Array<JudgeChoice['type']>)).map((type) => (
        <label key={type} className="radio">
          <input
            type="radio"
            name="judge"
            value={type}
            data-testid={`judge-${type}`}
            checked={judge.type === type}
            onChange={() => pick(type)}
          />
          {JUDGE_LABELS[type]}
        </label>
      ))}
      {judge.type === 'openai' ? (
        <div className="judge-endpoint">
          <label className="field">
            URL
            <input
              data-testid="judge-url"
              placeholder="http://127.0.0.1:7860"
              value={judge.url}
              onChange={(e) => onChange({ ...judge, url: e.target.value })}
            />
          </label>
          <label className="field">
            Model
            <input
              data-testid="judge-model"
              placeholder="a checkpoint's name, or the server's model id"
              value={judge.model}
              onChange={(e) => onChange({ ...judge, model: e.target.value })}
            />
          </label>
          <label className="field">
            API key variable
            <input
              data-testid="judge-key-env"
              placeholder="OPENAI_API_KEY (none for a local server)"
              value={judge.apiKeyEnv}
              onChange={(e) => onChange({ ...judge, apiKeyEnv: e.target.value })}
            />
          </label>
          <p className="muted">
            The key stays in the engine's environment: the recipe names the variable, never the key.
          </p>
        </div>
      ) : null}
    </fieldset>
  );
}
