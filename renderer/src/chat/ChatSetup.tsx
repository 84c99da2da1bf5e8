import type { ModelSummary } from '../../../preload/contract';
import { Panel } from '../components/Panel';
import { ModelPicker } from './ModelPicker';
import { SamplingControls } from './SamplingControls';
import type { SamplingFields } from './sampling';

export interface ChatSetupProps {
  models: ModelSummary[] | undefined;
  modelsError: string | undefined;
  picks: string[];
  onPicks: (picks: string[]) => void;
  fields: SamplingFields;
  onFields: (fields: SamplingFields) => void;
  samplingError: string | undefined;
  blind: boolean;
  onBlind: (blind: boolean) => void;
  onReloadModels: () => void;
}

/** Which models answer, with which shared settings, blind or not. */
export function ChatSetup(props: ChatSetupProps) {
  const reload = (
    <button type="button" onClick={props.onReloadModels}>
      Refresh models
    </button>
  );
  return (
    <Panel title="Models and sampling" testId="chat-setup" error={props.modelsError} actions={reload}>
      {props.models ? (
        <ModelPicker models={props.models} picks={props.picks} onChange={props.onPicks} />
      ) : (
        <p className="muted">Reading the workspace’s models…</p>
      )}
      <SamplingControls fields={props.fields} onChange={props.onFields} error={props.samplingError} />
      <label className="blind-toggle">
        <input
          type="checkbox"
          data-testid="chat-blind"
          checked={props.blind}
          onChange={(event) => props.onBlind(event.target.checked)}
        />
        Blind: shuffle the answers as A, B… and hide the names until you vote (from the next prompt)
      </label>
    </Panel>
  );
}
