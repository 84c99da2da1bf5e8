import { useId, useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number | undefined;
  onChange: (value: number) => void;
  testId: string;
  integer?: boolean;
  min?: number;
  /** Shown after the input, e.g. "GB". */
  unit?: string;
}

function parse(text: string, integer: boolean, min: number): number | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < min) return undefined;
  return integer && !Number.isInteger(value) ? undefined : value;
}

/**
 * A number typed as text, so that "3e-4" and half-typed values ("1e-") are allowed while typing: only a valid number
 * reaches the form; an invalid one is marked and the form keeps its last good value.
 */
export function NumberField({ label, value, onChange, testId, integer = false, min = 0, unit }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const invalid = parse(text, integer, min) === undefined;

  // A value set from outside (engine info, the demo's counts) replaces the text in the same render, unless the text
  // already says it (React's pattern for state that follows a prop).
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== undefined && parse(text, integer, min) !== value) setText(String(value));
  }

  return (
    <span className="number-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        data-testid={testId}
        value={text}
        aria-invalid={invalid}
        onChange={(event) => {
          setText(event.target.value);
          const next = parse(event.target.value, integer, min);
          if (next !== undefined) onChange(next);
        }}
      />
      {unit ? <span className="muted">{unit}</span> : null}
    </span>
  );
}
