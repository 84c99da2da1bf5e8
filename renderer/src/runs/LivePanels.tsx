import { useEffect, useRef } from 'react';
import type { RunLog, RunSample } from '../../../preload/contract';
import { Panel } from '../components/Panel';
import type { Numbered } from './useRunStream';

/** What the model answers at each evaluation step, newest first. */
export function SamplesPanel({ samples }: { samples: Array<Numbered<RunSample>> }) {
  return (
    <Panel title="Sample generations" testId="samples">
      {samples.length === 0 ? <p className="muted">Samples appear at each evaluation step.</p> : null}
      <ol className="sample-list">
        {samples.map((sample) => (
          <li key={sample.seq} className="sample">
            <div className="muted">
              {sample.stage} · step {sample.step}
            </div>
            <div className="sample-prompt">{sample.prompt}</div>
            <div className="sample-completion">{sample.completion}</div>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** The run's log lines as they arrive; it follows the end unless the reader scrolled up. */
export function LogPanel({ logs }: { logs: Array<Numbered<RunLog>> }) {
  const box = useRef<HTMLPreElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll again whenever a line arrives
  useEffect(() => {
    const element = box.current;
    if (element && element.scrollHeight - element.scrollTop - element.clientHeight < 40) {
      element.scrollTop = element.scrollHeight;
    }
  }, [logs]);
  return (
    <Panel title="Log" testId="run-log">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, and keyboard users must reach it */}
      <pre className="run-log" ref={box} tabIndex={0}>
        {logs.length === 0 ? <span className="muted">No log lines yet.</span> : null}
        {logs.map((line) => (
          <div key={line.seq} className={`log-${line.level}`}>
            {new Date(line.at).toLocaleTimeString()} {line.level === 'info' ? '' : `${line.level}: `}
            {line.message}
          </div>
        ))}
      </pre>
    </Panel>
  );
}
