import type { DatasetSummary } from '../../../preload/contract';

interface DatasetListProps {
  datasets: DatasetSummary[];
  selected: string | undefined;
  onSelect: (name: string) => void;
}

/** The workspace's datasets; choosing one opens its preview. */
export function DatasetList({ datasets, selected, onSelect }: DatasetListProps) {
  if (datasets.length === 0) return <p className="muted">No dataset yet: import one above.</p>;
  return (
    <table className="data-table dataset-list">
      <thead>
        <tr>
          <th>name</th>
          <th>kind</th>
          <th>format</th>
          <th>layout</th>
          <th>rows</th>
          <th>truncated</th>
          <th>max length</th>
        </tr>
      </thead>
      <tbody>
        {datasets.map((dataset) => (
          <tr key={dataset.name} className={dataset.name === selected ? 'selected' : undefined}>
            <td>
              <button
                type="button"
                className="link"
                data-testid={`dataset-${dataset.name}`}
                aria-pressed={dataset.name === selected}
                onClick={() => onSelect(dataset.name)}
              >
                {dataset.name}
              </button>
            </td>
            <td>{dataset.kind}</td>
            <td>{dataset.format}</td>
            <td>{dataset.layout}</td>
            <td>{dataset.rows}</td>
            <td>{dataset.truncated}</td>
            <td>{dataset.maxLength ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
