import { GOALS, type Goal } from '../../../main/engine/advisor/types';

export const GOAL_TEXT: Record<Goal, { title: string; description: string }> = {
  max_quality: {
    title: 'Best quality',
    description: 'RLHF (SFT → reward model → PPO) if the budget allows, repeated 3–4 times on fresh preferences.',
  },
  fast_iteration: {
    title: 'Fast iteration',
    description: 'SFT then DPO: no reward model, about half the compute of RLHF for most of its gain.',
  },
  min_labelling: {
    title: 'Little or no labelling',
    description: 'Constitutional AI / RLAIF: a capable model critiques and labels instead of people.',
  },
  research: {
    title: 'Research comparison',
    description: 'DPO first with RLHF as the baseline, and reward-model ablations.',
  },
};

/** The four goals of the decision framework, as a radio group (arrow keys move between them). */
export function GoalPicker({ goal, onChange }: { goal: Goal; onChange: (goal: Goal) => void }) {
  return (
    <fieldset className="goal-picker">
      <legend>What matters most?</legend>
      {GOALS.map((candidate) => (
        <label key={candidate} className={candidate === goal ? 'goal-option selected' : 'goal-option'}>
          <input
            type="radio"
            name="wizard-goal"
            value={candidate}
            data-testid={`goal-${candidate}`}
            checked={candidate === goal}
            onChange={() => onChange(candidate)}
          />
          <span>
            <strong>{GOAL_TEXT[candidate].title}</strong>
            <span className="goal-description">{GOAL_TEXT[candidate].description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
