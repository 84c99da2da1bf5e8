import type { DatasetSummary } from '../../../preload/contract';
import { COUNT_OF_SLOT, type DatasetSlot, SLOT_KINDS, type WizardForm } from './form';
import { NumberField } from './NumberField';

type CountedSlot = keyof typeof COUNT_OF_SLOT;

const SLOTS: Array<{ slot: CountedSlot; label: string; help: string }> = [
  { slot: 'demonstrations', label: 'Demonstrations', help: '(prompt, ideal response) rows for SFT' },
  {
    slot: 'preferences',
    label: 'Preference pairs',
    help: '(prompt, chosen, rejected) rows for DPO and the reward model',
  },
  { slot: 'prompts', label: 'Prompts only', help: 'for PPO rollouts and CAI / RLAIF generation' },
];

interface DataOnHandProps {
  form: WizardForm;
  datasets: DatasetSummary[];
  onPick: (slot: DatasetSlot, dataset: DatasetSummary | undefined) => void;
  onCount: (slot: CountedSlot, count: number) => void;
}

function DatasetSelect({
  slot,
  options,
  value,
  onPick,
}: {
  slot: DatasetSlot;
  options: DatasetSummary[];
  value: string | undefined;
  onPick: DataOnHandProps['onPick'];
}) {
  return (
    <select
      data-testid={`dataset-${slot}`}
      aria-label={`${slot} dataset`}
      value={value ?? ''}
      onChange={(event) =>
        onPick(
          slot,
          options.find((dataset) => dataset.name === event.target.value),
        )
      }
    >
      <option value="">{options.length === 0 ? 'no imported dataset of this kind' : 'none (type the count)'}</option>
      {options.map((dataset) => (
        <option key={dataset.name} value={dataset.name}>
          {dataset.name} ({dataset.rows} rows)
        </option>
      ))}
    </select>
  );
}

/** Counts per kind of data, typed or read from an imported dataset (which the recipe will then train on). */
export function DataOnHand({ form, datasets, onPick, onCount }: DataOnHandProps) {
  const preferenceSets = datasets.filter((dataset) => dataset.kind === 'preference');
  return (
    <div className="data-on-hand">
      {SLOTS.map(({ slot, label, help }) => (
        <div key={slot} className="data-row">
          <NumberField
            label={label}
            testId={`count-${slot}`}
            integer
            value={form.counts[COUNT_OF_SLOT[slot]]}
            onChange={(count) => onCount(slot, count)}
          />
          <DatasetSelect
            slot={slot}
            options={datasets.filter((dataset) => SLOT_KINDS[slot].includes(dataset.kind))}
            value={form.datasets[slot]}
            onPick={onPick}
          />
          <span className="muted">{help}</span>
        </div>
      ))}
      <div className="data-row">
        <span className="number-field">
          <span>Held-out pairs</span>
        </span>
        <DatasetSelect slot="heldOut" options={preferenceSets} value={form.datasets.heldOut} onPick={onPick} />
        <span className="muted">optional: the reward model's eval_accuracy is measured on them</span>
      </div>
    </div>
  );
}
