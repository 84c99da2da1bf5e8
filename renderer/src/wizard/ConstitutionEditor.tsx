import { useState } from 'react';
import { type Constitution, constitutionProblem, type Principle, parseConstitution } from './constitution';

interface ConstitutionEditorProps {
  constitution: Constitution;
  onChange: (constitution: Constitution) => void;
}

/**
 * Constitutional AI's principles, each a critique request and a revision request: edit, add, remove, or load a JSON
 * file in the layout of Anthropic's published constitution (its few-shot `system_chat` is kept as loaded).
 */
export function ConstitutionEditor({ constitution, onChange }: ConstitutionEditorProps) {
  const [loadProblem, setLoadProblem] = useState<string>();
  const principles = constitution.constitutions;
  const setPrinciples = (next: Principle[]) => onChange({ ...constitution, constitutions: next });
  const edit = (index: number, change: Partial<Principle>) =>
    setPrinciples(principles.map((p, i) => (i === index ? { ...p, ...change } : p)));

  const load = async (file: File | undefined) => {
    if (!file) return;
    const parsed = parseConstitution(await file.text());
    if ('problem' in parsed) return setLoadProblem(`${file.name} was not loaded: ${parsed.problem}`);
    setLoadProblem(undefined);
    onChange(parsed.constitution);
  };

  const problem = constitutionProblem(constitution);
  return (
    <div className="constitution" data-testid="constitution-editor">
      <div className="constitution-actions">
        <span data-testid="constitution-count">
          {principles.length} principle{principles.length === 1 ? '' : 's'}
          {constitution.system_chat ? `, ${constitution.system_chat.length} few-shot examples` : ''}
        </span>
        <label className="file-button">
          Load a constitution (JSON)…
          <input
            type="file"
            accept="application/json,.json"
            data-testid="constitution-file"
            onChange={(event) => void load(event.target.files?.[0])}
          />
        </label>
        <button
          type="button"
          data-testid="principle-add"
          onClick={() => setPrinciples([...principles, { critic: '', revision: '' }])}
        >
          Add a principle
        </button>
      </div>
      {loadProblem ? (
        <p className="panel-error" role="alert" data-testid="constitution-load-error">
          {loadProblem}
        </p>
      ) : null}
      <ol className="principles">
        {principles.map((principle, index) => (
          // Principles have no identity but their place; editing keeps the place, removing re-renders the rest.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={index} className="principle" data-testid="principle">
            <label className="field">
              Critique request
              <textarea
                rows={2}
                data-testid={`principle-critic-${index}`}
                value={principle.critic}
                onChange={(e) => edit(index, { critic: e.target.value })}
              />
            </label>
            <label className="field">
              Revision request
              <textarea
                rows={2}
                data-testid={`principle-revision-${index}`}
                value={principle.revision}
                onChange={(e) => edit(index, { revision: e.target.value })}
              />
            </label>
            <button
              type="button"
              data-testid={`principle-remove-${index}`}
              aria-label={`Remove principle ${index + 1}`}
              onClick={() => setPrinciples(principles.filter((_, i) => i !== index))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      {problem ? (
        <p className="panel-error" data-testid="constitution-problem">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
