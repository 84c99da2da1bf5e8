/**
 * Importing a file the browser holds: upload it once (`datasets.upload`, base64), then `datasets.import` it, and again
 * with the user's choice (drop the invalid rows, keep long rows for truncation) without uploading it a second time.
 */
import { useState } from 'react';
import type { ImportReport, VerbRequest } from '../../../preload/contract';
import { useJob } from '../app/useJob';
import type { WorkbenchClient } from '../client/client';
import { fileToBase64 } from './base64';

export type ImportOptions = Omit<VerbRequest<'datasets.import'>, 'path' | 'invalid' | 'truncate' | 'jobId'>;
export interface ImportChoice {
  invalid: 'refuse' | 'drop';
  truncate: boolean;
}

export interface ImportState {
  file: string | undefined;
  report: ImportReport | undefined;
  choice: ImportChoice;
  pending: 'upload' | 'import' | undefined;
  /** The engine's phase of the running import (reading, validating, writing), from job.progress events. */
  phase: string | undefined;
  error: string | undefined;
}

const FIRST_TRY: ImportChoice = { invalid: 'refuse', truncate: false };

export function useImport(client: WorkbenchClient, onImported: () => void) {
  const [state, setState] = useState<ImportState>({
    file: undefined,
    report: undefined,
    choice: FIRST_TRY,
    pending: undefined,
    phase: undefined,
    error: undefined,
  });
  const [path, setPath] = useState<string>();
  const job = useJob(client);

  const run = async (uploaded: string, options: ImportOptions, choice: ImportChoice) => {
    const jobId = job.start();
    setState((previous) => ({ ...previous, pending: 'import', phase: undefined, error: undefined, choice }));
    try {
      const { report } = await client.call('datasets.import', { path: uploaded, ...options, ...choice, jobId });
      setState((previous) => ({ ...previous, report, pending: undefined }));
      if (report.imported) onImported();
    } catch (problem) {
      setState((previous) => ({
        ...previous,
        pending: undefined,
        error: `Import failed: ${(problem as Error).message}`,
      }));
    }
  };

  const importFile = async (file: File, options: ImportOptions) => {
    setState({
      file: file.name,
      report: undefined,
      choice: FIRST_TRY,
      pending: 'upload',
      phase: undefined,
      error: undefined,
    });
    try {
      const { path: uploaded } = await client.call('datasets.upload', {
        filename: file.name,
        base64: await fileToBase64(file),
      });
      setPath(uploaded);
      await run(uploaded, options, FIRST_TRY);
    } catch (problem) {
      setState((previous) => ({
        ...previous,
        pending: undefined,
        error: `Upload failed: ${(problem as Error).message}`,
      }));
    }
  };

  /** The same uploaded file again, with one more choice made. */
  const reimport = (options: ImportOptions, change: Partial<ImportChoice>) => {
    if (path) run(path, options, { ...state.choice, ...change });
  };

  return { state: { ...state, phase: job.phase }, importFile, reimport, cancel: job.cancel };
}
