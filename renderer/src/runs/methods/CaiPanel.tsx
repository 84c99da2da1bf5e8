import type { VerbResponse } from '../../../../preload/contract';
import type { WorkbenchClient } from '../../client/client';
import { Panel } from '../../components/Panel';
import { useEvent } from '../../hooks/useEvent';
import { useVerb } from '../../hooks/useVerb';

type DataStage = VerbResponse<'runs.dataStage'>;
type Trail = DataStage['trails'][number];

interface CaiPanelProps {
  client: WorkbenchClient;
  runId: string;
  stage: string;
}

/** Constitutional AI's critique trails: each prompt's first answer, then every critique → revision round. */
export function CaiPanel({ client, runId, stage }: CaiPanelProps) {
  const data = useVerb(client, 'runs.dataStage', { runId, stage });
  // Trails are written while the stage runs: read them again whenever the run moves on.
  const statusError = useEvent(client, 'run.status', (status) => {
    if (status.runId === runId) data.reload();
  });
  const trails = data.data?.trails ?? [];
  return (
    <Panel title="Critique trails" testId="cai-panel" error={data.error ?? statusError}>
      {data.loading && !data.data ? <p className="muted">Loading the critique trails…</p> : null}
      {data.data && trails.length === 0 ? <p className="muted">No prompt has been revised yet.</p> : null}
      {trails.map((trail, position) => (
        <CritiqueTrail
          key={trail.index}
          trail={trail}
          principles={data.data?.principles ?? []}
          openAtFirst={position === 0}
        />
      ))}
    </Panel>
  );
}

function CritiqueTrail({
  trail,
  principles,
  openAtFirst,
}: {
  trail: Trail;
  principles: DataStage['principles'];
  openAtFirst: boolean;
}) {
  return (
    <details className="cai-trail" data-testid={`cai-trail-${trail.index}`} open={openAtFirst}>
      <summary>
        {trail.prompt}{' '}
        <span className="muted">
          · {trail.rounds.length} round{trail.rounds.length === 1 ? '' : 's'}
        </span>
      </summary>
      <div className="cai-step">
        <div className="muted">First answer</div>
        <div className="cai-text">{trail.answer}</div>
      </div>
      {trail.rounds.map((round, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rounds are fixed and ordered; the same principle may recur
        <div key={i} className="cai-step">
          <div className="cai-principle">
            Round {i + 1}: {principles[round.principle]?.critic ?? `principle ${round.principle}`}
          </div>
          <div className="muted">Critique</div>
          <div className="cai-text">{round.critique}</div>
          <div className="muted">Revision</div>
          <div className="cai-text">{round.revision}</div>
        </div>
      ))}
    </details>
  );
}
