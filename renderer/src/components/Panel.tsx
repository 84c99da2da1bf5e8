import { Component, type ErrorInfo, type ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** A problem to show in place of (or above) the content: a failed verb, a malformed event. */
  error?: string | undefined;
  testId?: string;
  actions?: ReactNode;
  children?: ReactNode;
}

interface BoundaryState {
  crashed?: string;
}

/** Keeps a rendering error inside its panel: the panel says what broke and the rest of the UI keeps working. */
class PanelBoundary extends Component<{ title: string; children?: ReactNode }, BoundaryState> {
  override state: BoundaryState = {};

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { crashed: error.message };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`panel "${this.props.title}" failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.crashed !== undefined) {
      return (
        <div className="panel-error" role="alert">
          This panel failed: {this.state.crashed}
          <button type="button" onClick={() => this.setState({ crashed: undefined })}>
            Retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

/** A titled box of the UI with its own error display and error boundary. */
export function Panel({ title, error, testId, actions, children }: PanelProps) {
  return (
    <section className="panel" data-testid={testId} aria-label={title}>
      <header className="panel-header">
        <h2>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {error ? (
        <div className="panel-error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </div>
      ) : null}
      <PanelBoundary title={title}>{children}</PanelBoundary>
    </section>
  );
}
