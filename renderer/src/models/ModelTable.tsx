import type { ModelSummary } from '../../../preload/contract';
import { formatParameters } from './format';

function Lineage({ model, names }: { model: ModelSummary; names: Set<string> }) {
  if (!model.parent) return <span className="muted">imported</span>;
  return (
    <span>
      {model.parent}
      {names.has(model.parent) ? '' : ' (deleted)'} → <strong>{model.name}</strong>
    </span>
  );
}

/** Every model with its lineage (parent → child) and the actions on it. */
export function ModelTable({
  models,
  onExport,
  onDelete,
}: {
  models: ModelSummary[];
  onExport: (name: string) => void;
  onDelete: (name: string) => void;
}) {
  if (models.length === 0) return <p className="muted">No models in the workspace yet: import one below.</p>;
  const names = new Set(models.map((model) => model.name));
  return (
    <table className="data-table models-table">
      <thead>
        <tr>
          <th>model</th>
          <th>lineage</th>
          <th>method</th>
          <th>architecture</th>
          <th>parameters</th>
          <th>shape</th>
          <th>source</th>
          <th>
            <span className="visually-hidden">actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {models.map((model) => (
          <ModelRow key={model.name} model={model} names={names} onExport={onExport} onDelete={onDelete} />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps {
  model: ModelSummary;
  names: Set<string>;
  onExport: (name: string) => void;
  onDelete: (name: string) => void;
}

function ModelRow({ model, names, onExport, onDelete }: RowProps) {
  return (
    <tr data-testid={`model-row-${model.name}`}>
      <td>{model.name}</td>
      <td data-testid={`model-lineage-${model.name}`}>
        <Lineage model={model} names={names} />
      </td>
      <td>{model.method ?? '—'}</td>
      <td>
        {model.architecture} <span className="muted">({model.modelType})</span>
      </td>
      <td>{formatParameters(model.parameters)}</td>
      <td className="muted">
        {model.layers} layers × {model.hiddenSize}, vocab {model.vocabSize}, context {model.maxPositions}
      </td>
      <td className="muted source-cell" title={model.source}>
        {model.source}
      </td>
      <td>
        <div className="row-actions">
          <button type="button" onClick={() => onExport(model.name)} aria-label={`Export ${model.name}`}>
            Export
          </button>
          <button
            type="button"
            className="danger"
            data-testid={`delete-${model.name}`}
            aria-label={`Delete ${model.name}`}
            onClick={() => onDelete(model.name)}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
