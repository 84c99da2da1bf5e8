import type { ModelSummary } from '../../../preload/contract';
import type { ImportOptions } from './useImport';

const KINDS = [
  { value: '', label: 'detect from the columns' },
  { value: 'sft', label: 'SFT (prompt, completion / messages / text)' },
  { value: 'preference', label: 'preference (prompt, chosen, rejected)' },
  { value: 'prompts', label: 'prompts only' },
  { value: 'unpaired', label: 'unpaired preference (completion, label)' },
] as const;

/** The import options as typed: read into the verb's options only when a file is imported. */
export interface OptionsText {
  kind: string;
  name: string;
  maxLength: string;
  model: string;
}

export const NO_OPTIONS: OptionsText = { kind: '', name: '', maxLength: '', model: '' };

/** The import options as the verb takes them, or the reason they cannot be. */
export function readOptions(text: OptionsText): { options: ImportOptions } | { error: string } {
  const options: ImportOptions = {};
  if (text.kind) options.kind = text.kind as ImportOptions['kind'];
  if (text.name.trim()) options.name = text.name.trim();
  if (text.maxLength.trim()) {
    const maxLength = Number(text.maxLength);
    if (!Number.isInteger(maxLength) || maxLength <= 0)
      return { error: 'Max length must be a whole number of tokens.' };
    options.maxLength = maxLength;
  }
  if (text.model) options.model = text.model;
  return { options };
}

interface ImportOptionsFieldsProps {
  text: OptionsText;
  set: (change: Partial<OptionsText>) => void;
  models: ModelSummary[];
}

/** Kind (or detect it), name, and the length check: max length in the tokens of a model's tokenizer. */
export function ImportOptionsFields({ text, set, models }: ImportOptionsFieldsProps) {
  return (
    <div className="import-options">
      <label className="field">
        Kind
        <select data-testid="import-kind" value={text.kind} onChange={(e) => set({ kind: e.target.value })}>
          {KINDS.map((kind) => (
            <option key={kind.value} value={kind.value}>
              {kind.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Name
        <input
          data-testid="import-name"
          placeholder="from the file name"
          value={text.name}
          onChange={(e) => set({ name: e.target.value })}
        />
      </label>
      <label className="field">
        Max length
        <input
          data-testid="import-max-length"
          inputMode="numeric"
          placeholder="tokens"
          value={text.maxLength}
          onChange={(e) => set({ maxLength: e.target.value })}
        />
      </label>
      <label className="field">
        Tokenizer of
        <select data-testid="import-model" value={text.model} onChange={(e) => set({ model: e.target.value })}>
          <option value="">no length check</option>
          {models.map((model) => (
            <option key={model.name}>{model.name}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
