import type { Sampling } from '../../../preload/contract';
import { SAMPLING_LABELS, type SamplingFields } from './sampling';

const KEYS = Object.keys(SAMPLING_LABELS) as Array<keyof Sampling>;

/** The sampling settings every model in the round shares, so the answers differ only by the model. */
export function SamplingControls({
  fields,
  onChange,
  error,
}: {
  fields: SamplingFields;
  onChange: (fields: SamplingFields) => void;
  error: string | undefined;
}) {
  return (
    <fieldset className="sampling">
      <legend>Sampling (shared)</legend>
      {KEYS.map((key) => (
        <label key={key} title={SAMPLING_LABELS[key].hint}>
          {SAMPLING_LABELS[key].label}
          <input
            type="number"
            inputMode="decimal"
            step={SAMPLING_LABELS[key].step}
            data-testid={`chat-sampling-${key}`}
            value={fields[key]}
            onChange={(event) => onChange({ ...fields, [key]: event.target.value })}
          />
        </label>
      ))}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
