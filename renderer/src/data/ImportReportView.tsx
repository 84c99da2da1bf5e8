import type { ImportReport } from '../../../preload/contract';
import { LengthHistogram } from './LengthHistogram';
import type { ImportChoice } from './useImport';

const SHOWN_PROBLEMS = 200;

interface ImportReportViewProps {
  report: ImportReport;
  choice: ImportChoice;
  pending: boolean;
  onChoose: (change: Partial<ImportChoice>) => void;
}

function Problems({ problems }: { problems: ImportReport['problems'] }) {
  return (
    <>
      <table className="data-table problems" data-testid="problems">
        <thead>
          <tr>
            <th>line</th>
            <th>field</th>
            <th>problem</th>
            <th>severity</th>
          </tr>
        </thead>
        <tbody>
          {problems.slice(0, SHOWN_PROBLEMS).map((problem, index) => (
            <tr
              key={`${problem.line}-${problem.field}-${problem.message}`}
              data-testid={`problem-${index}`}
              className={`severity-${problem.severity}`}
            >
              <td>{problem.line}</td>
              <td>{problem.field ?? '–'}</td>
              <td>{problem.message}</td>
              <td>{problem.severity}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > SHOWN_PROBLEMS ? <p className="muted">…and {problems.length - SHOWN_PROBLEMS} more.</p> : null}
    </>
  );
}

/** What the import found, and the ways on: drop the invalid rows, keep long rows for truncation, or fix the file. */
export function ImportReportView({ report, choice, pending, onChoose }: ImportReportViewProps) {
  const canDrop = report.invalid > 0 && choice.invalid === 'refuse';
  const canTruncate = (report.histogram?.over ?? 0) > 0 && !choice.truncate;
  return (
    <div className="import-report" data-testid="import-report" data-imported={report.imported}>
      <p data-testid="import-summary">
        <strong>{report.imported ? `Imported as ${report.name}` : 'Nothing imported'}</strong>: {report.rows} rows,{' '}
        {report.accepted} accepted, {report.invalid} invalid, {report.truncated} to be truncated ·{' '}
        {report.kind ?? 'kind unknown'}
        {report.layout ? ` (${report.layout})` : ''} · {report.fileFormat}
        {report.gzip ? ', gzip' : ''}
      </p>
      {report.problems.length > 0 ? <Problems problems={report.problems} /> : null}
      {report.histogram ? <LengthHistogram histogram={report.histogram} /> : null}
      {canDrop || canTruncate ? (
        <div className="import-choices">
          {canDrop ? (
            <button
              type="button"
              data-testid="import-drop"
              disabled={pending}
              onClick={() => onChoose({ invalid: 'drop' })}
            >
              Import dropping the invalid rows
            </button>
          ) : null}
          {canTruncate ? (
            <button
              type="button"
              data-testid="import-truncate"
              disabled={pending}
              onClick={() => onChoose({ truncate: true })}
            >
              Keep long rows for truncation
            </button>
          ) : null}
          <span className="muted">or fix the file and import it again.</span>
        </div>
      ) : null}
    </div>
  );
}
