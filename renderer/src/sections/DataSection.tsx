import type { WorkbenchClient } from '../client/client';
import { DataWorkbench } from '../data/DataWorkbench';

/** Data: import (file dialog, drag-and-drop), the validation report, the datasets and their preview. */
export function DataSection({ client }: { client: WorkbenchClient }) {
  return <DataWorkbench client={client} />;
}
