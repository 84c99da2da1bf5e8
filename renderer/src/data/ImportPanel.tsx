import { useState } from 'react';
import type { ModelSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { DropZone } from './DropZone';
import { ImportOptionsFields, NO_OPTIONS, type OptionsText, readOptions } from './ImportOptionsFields';
import { ImportReportView } from './ImportReportView';
import { type ImportOptions, useImport } from './useImport';

interface ImportPanelProps {
  client: WorkbenchClient;
  models: ModelSummary[];
  onImported: () => void;
}

/** Import by file picker or drag-and-drop, the validation report, and the choices it offers. */
export function ImportPanel({ client, models, onImported }: ImportPanelProps) {
  const [text, setText] = useState<OptionsText>(NO_OPTIONS);
  const [optionsError, setOptionsError] = useState<string>();
  const { state, importFile, reimport, cancel } = useImport(client, onImported);

  const withOptions = (action: (options: ImportOptions) => void) => {
    const read = readOptions(text);
    setOptionsError('error' in read ? read.error : undefined);
    if ('options' in read) action(read.options);
  };
  const status = state.pending ? (
    <p className="muted" data-testid="import-pending" data-phase={state.phase ?? ''}>
      {state.pending === 'upload'
        ? `Uploading ${state.file}…`
        : `Checking ${state.file}: ${state.phase ?? 'starting'}…`}
      {state.pending === 'import' ? (
        <button type="button" data-testid="import-cancel" onClick={cancel}>
          Cancel
        </button>
      ) : null}
    </p>
  ) : null;

  return (
    <Panel title="Import a dataset" testId="data-import" error={optionsError ?? state.error}>
      <ImportOptionsFields text={text} set={(change) => setText({ ...text, ...change })} models={models} />
      <DropZone onFile={(file) => withOptions((options) => importFile(file, options))} status={status} />
      {state.report ? (
        <ImportReportView
          report={state.report}
          choice={state.choice}
          pending={state.pending !== undefined}
          onChoose={(change) => withOptions((options) => reimport(options, change))}
        />
      ) : null}
    </Panel>
  );
}
