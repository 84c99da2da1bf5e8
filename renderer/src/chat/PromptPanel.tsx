import { Panel } from '../components/Panel';

export interface PromptPanelProps {
  prompt: string;
  onPrompt: (prompt: string) => void;
  /** Why Send is not possible now (no models, invalid settings), or undefined. */
  problem: string | undefined;
  pending: number;
  onSend: () => void;
  onStop: () => void;
  stopError: string | undefined;
}

/** The prompt every chosen model answers; Ctrl/Cmd+Enter sends, Stop cancels every answer still being written. */
export function PromptPanel({ prompt, onPrompt, problem, pending, onSend, onStop, stopError }: PromptPanelProps) {
  const canSend = problem === undefined && prompt.trim() !== '' && pending === 0;
  return (
    <Panel title="Prompt" testId="chat-prompt-panel" error={stopError}>
      <textarea
        data-testid="chat-prompt"
        aria-label="Prompt"
        rows={3}
        value={prompt}
        placeholder="Ask something every model answers…"
        onChange={(event) => onPrompt(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && canSend) {
            event.preventDefault();
            onSend();
          }
        }}
      />
      <div className="prompt-actions">
        <button type="button" data-testid="chat-send" disabled={!canSend} onClick={onSend}>
          Send
        </button>
        <button type="button" data-testid="chat-stop" disabled={pending === 0} onClick={onStop}>
          Stop
        </button>
        <span className="muted">
          {problem ??
            (pending > 0 ? `${pending} answer${pending === 1 ? '' : 's'} being written…` : 'Ctrl+Enter sends')}
        </span>
      </div>
    </Panel>
  );
}
