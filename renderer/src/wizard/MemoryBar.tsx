import type { MemoryEstimate } from '../../../main/engine/advisor/types';

export const MEMORY_PARTS = [
  { key: 'weightsGb', label: 'weights', colour: '#3b63d6' },
  { key: 'gradientsGb', label: 'gradients', colour: '#7d9cf2' },
  { key: 'optimizerGb', label: 'optimizer', colour: '#8a4fd6' },
  { key: 'referenceGb', label: 'reference', colour: '#138a9e' },
  { key: 'rewardGb', label: 'reward model', colour: '#1f9d55' },
  { key: 'valueGb', label: 'value model', colour: '#6b7a1f' },
  { key: 'activationsGb', label: 'activations', colour: '#d08a00' },
] as const;

export function formatGb(gb: number): string {
  if (gb >= 10) return `${gb.toFixed(0)} GB`;
  if (gb >= 0.1) return `${gb.toFixed(1)} GB`;
  return `${(gb * 1000).toFixed(gb >= 0.01 ? 0 : 1)} MB`;
}

interface MemoryBarProps {
  memory: MemoryEstimate;
  gpuMemoryGb: number;
  /** GB at the bar's full width, shared by every stage's bar so that they compare. */
  scaleGb: number;
  testId: string;
}

/** One stage's memory, stacked by what holds it, against a line at the GPU's memory. */
export function MemoryBar({ memory, gpuMemoryGb, scaleGb, testId }: MemoryBarProps) {
  const fits = memory.totalGb <= gpuMemoryGb;
  const share = (gb: number) => `${((gb / scaleGb) * 100).toFixed(2)}%`;
  return (
    <div className="memory" data-testid={testId} data-total-gb={memory.totalGb} data-fits={fits}>
      <div
        className="memory-bar"
        role="img"
        aria-label={`${formatGb(memory.totalGb)} of ${formatGb(gpuMemoryGb)}: ${memory.breakdown}`}
      >
        {MEMORY_PARTS.filter((part) => memory[part.key] > 0).map((part) => (
          <span
            key={part.key}
            className="memory-part"
            title={`${part.label}: ${formatGb(memory[part.key])}`}
            style={{ width: share(memory[part.key]), background: part.colour }}
          />
        ))}
        <span
          className="memory-limit"
          style={{ left: share(gpuMemoryGb) }}
          title={`GPU memory: ${formatGb(gpuMemoryGb)}`}
        />
      </div>
      <div className={fits ? 'memory-text' : 'memory-text over'}>
        {formatGb(memory.totalGb)} of {formatGb(gpuMemoryGb)} · {memory.lora ? 'LoRA' : 'full fine-tuning'}
        {fits ? '' : ' · does not fit'} · <span className="muted">{memory.breakdown}</span>
      </div>
    </div>
  );
}

export function MemoryLegend() {
  return (
    <ul className="memory-legend">
      {MEMORY_PARTS.map((part) => (
        <li key={part.key}>
          <span className="swatch" style={{ background: part.colour }} /> {part.label}
        </li>
      ))}
      <li>
        <span className="swatch limit" /> GPU memory
      </li>
    </ul>
  );
}
