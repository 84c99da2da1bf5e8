import type { Recommendation, TimeEstimate } from '../../../main/engine/advisor/types';
import { formatDuration } from '../runs/format';
import { formatGb, MemoryBar, MemoryLegend } from './MemoryBar';
import { stageNames } from './recipe';
import { METHOD_LABELS } from './stage-defaults';

function timeText(time: TimeEstimate): string {
  return time.seconds === null ? 'not measured yet' : formatDuration(time.seconds);
}

function Pipeline({ recommendation, gpuMemoryGb }: { recommendation: Recommendation; gpuMemoryGb: number }) {
  const scaleGb = Math.max(gpuMemoryGb, ...recommendation.pipeline.map((stage) => stage.memory.totalGb)) * 1.05;
  const names = stageNames(recommendation.pipeline.map((stage) => stage.method));
  return (
    <ol className="pipeline">
      {recommendation.pipeline.map((stage, index) => (
        <li
          key={names[index]}
          className="pipeline-stage"
          data-testid={`pipeline-stage-${index}`}
          data-method={stage.method}
        >
          <div className="pipeline-head">
            <strong>
              {index + 1}. {METHOD_LABELS[stage.method]}
            </strong>{' '}
            <span className="muted">on {stage.dataset}</span>
          </div>
          <p className="pipeline-why">{stage.why}</p>
          <MemoryBar memory={stage.memory} gpuMemoryGb={gpuMemoryGb} scaleGb={scaleGb} testId={`memory-${index}`} />
          <p className="pipeline-time" data-testid={`time-${index}`}>
            Time: {timeText(stage.time)} <span className="muted">({stage.time.basis})</span>
          </p>
        </li>
      ))}
    </ol>
  );
}

function Comparison({ rows }: { rows: Recommendation['comparison'] }) {
  return (
    <table className="data-table comparison" data-testid="comparison">
      <thead>
        <tr>
          <th>method</th>
          <th>labels needed</th>
          <th>compute (×SFT)</th>
          <th>stability</th>
          <th>quality gain</th>
          <th>best when</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.method}>
            <td>{row.method}</td>
            <td>{row.labelsNeeded}</td>
            <td>{row.computeVsSft}</td>
            <td>{row.stability}</td>
            <td>{row.qualityGain}</td>
            <td>{row.bestWhen}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fixes({ fixes }: { fixes: Recommendation['fixes'] }) {
  return (
    <div className="fixes" data-testid="fixes">
      <h3>What would make it fit</h3>
      <ul>
        {fixes.map((fix, index) => (
          <li key={fix.change} data-testid={`fix-${index}`} data-fits={fix.fits}>
            {fix.change}: {formatGb(fix.memoryGb)} {fix.fits ? '(fits)' : '(still too large)'}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The advisor's answer: pipeline with memory and time per stage, the reason, warnings, fixes, the comparison. */
export function RecommendationView({
  recommendation,
  gpuMemoryGb,
}: {
  recommendation: Recommendation;
  gpuMemoryGb: number;
}) {
  return (
    <div className="recommendation-body">
      <p className="reason" data-testid="recommendation-reason">
        {recommendation.reason} <span className="muted">({recommendation.framework})</span>
      </p>
      {recommendation.warnings.length > 0 ? (
        <ul className="warnings" data-testid="warnings">
          {recommendation.warnings.map((warning) => (
            <li key={warning.code} className="warning" role="note" data-testid={`warning-${warning.code}`}>
              {warning.message}
            </li>
          ))}
        </ul>
      ) : null}
      <MemoryLegend />
      <Pipeline recommendation={recommendation} gpuMemoryGb={gpuMemoryGb} />
      <p className="total-time" data-testid="total-time" data-fits={recommendation.fits}>
        {recommendation.fits ? 'Fits in memory.' : 'Does not fit in memory.'} Total time:{' '}
        {timeText(recommendation.totalTime)} <span className="muted">({recommendation.totalTime.basis})</span>
      </p>
      {recommendation.fixes.length > 0 ? <Fixes fixes={recommendation.fixes} /> : null}
      <Comparison rows={recommendation.comparison} />
    </div>
  );
}
