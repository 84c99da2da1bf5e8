import type { Round, Slot } from './round';
import { type Pair, withPairSide } from './vote';

/** With 3–4 answers the user compares two at a time, any two, one vote per pair. */
export function PairPicker({ round, pair, onChange }: { round: Round; pair: Pair; onChange: (pair: Pair) => void }) {
  const slots = round.answers.map((answer) => answer.slot);
  const side = (index: 0 | 1) => (
    <select
      data-testid={`vote-pair-${index}`}
      aria-label={index === 0 ? 'First answer to compare' : 'Second answer to compare'}
      value={pair[index]}
      onChange={(event) => onChange(withPairSide(pair, index, event.target.value as Slot))}
    >
      {slots.map((slot) => (
        <option key={slot} value={slot}>
          {slot}
        </option>
      ))}
    </select>
  );
  return (
    <p className="pair-picker">
      Compare {side(0)} with {side(1)}
    </p>
  );
}
