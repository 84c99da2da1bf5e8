import type { Answer, Round } from './round';

function answerState(answer: Answer): string {
  if (answer.error) return 'error';
  if (!answer.done) return 'streaming';
  return answer.cancelled ? 'stopped' : 'done';
}

/** The name, or that it is hidden: in a blind round the name is not in the page at all until a vote is cast. */
function PaneHeader({ answer, revealed }: { answer: Answer; revealed: boolean }) {
  const state = answerState(answer);
  return (
    <header className="answer-header">
      <strong className="answer-slot">{answer.slot}</strong>
      <span data-testid={`chat-pane-${answer.slot}-model`} className={revealed ? 'answer-model' : 'answer-model muted'}>
        {revealed ? answer.model : 'hidden until you vote'}
      </span>
      <span className="answer-state muted">
        {state === 'streaming' ? 'writing…' : state === 'stopped' ? 'stopped' : ''}
        {/* Speed could give a blind model away (a bigger model is slower), so it shows once names are revealed. */}
        {revealed && answer.done && answer.tokens !== undefined
          ? ` ${answer.tokens} tokens · ${Math.round(answer.tokensPerSecond ?? 0)} tok/s`
          : ''}
      </span>
    </header>
  );
}

export function AnswerPanes({ round }: { round: Round }) {
  return (
    <div className="answer-panes" data-count={round.answers.length}>
      {round.answers.map((answer) => (
        <article
          key={answer.requestId}
          className={`answer-pane answer-${answerState(answer)}`}
          data-testid={`chat-pane-${answer.slot}`}
          data-done={answer.done ? 'true' : 'false'}
          aria-busy={!answer.done}
          aria-label={`Answer ${answer.slot}`}
        >
          <PaneHeader answer={answer} revealed={round.revealed} />
          <div className="answer-text" data-testid={`chat-pane-${answer.slot}-text`}>
            {answer.text}
          </div>
          {answer.error ? (
            <p className="panel-error" role="alert">
              {answer.error}
            </p>
          ) : null}
        </article>
      ))}
    </div>
  );
}
