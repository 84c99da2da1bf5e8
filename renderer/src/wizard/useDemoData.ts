/**
 * "Use the demo's data": demo.setup imports the demo's base model and datasets when missing; the form then picks
 * them and takes its counts from the fresh dataset list.
 */
import { useState } from 'react';
import type { DatasetSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import type { WizardForm } from './form';
import type { Catalogue } from './useCatalogue';

function rowsOf(datasets: DatasetSummary[], name: string): number {
  return datasets.find((dataset) => dataset.name === name)?.rows ?? 0;
}

export function useDemoData(
  client: WorkbenchClient,
  catalogue: Catalogue,
  update: (change: Partial<WizardForm>) => void,
) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  const apply = async () => {
    setPending(true);
    setError(undefined);
    try {
      const demo = await client.call('demo.setup', {});
      const { datasets } = await catalogue.refresh();
      update({
        model: demo.baseModel,
        datasets: {
          demonstrations: demo.datasets.sft,
          preferences: demo.datasets.preference,
          // The training prompts (the preference pairs'): the held-out prompts stay unseen for scoring.
          prompts: demo.datasets.preference,
          heldOut: demo.datasets.rmHeldOut,
        },
        counts: {
          demonstrations: rowsOf(datasets, demo.datasets.sft),
          preferencePairs: rowsOf(datasets, demo.datasets.preference),
          prompts: rowsOf(datasets, demo.datasets.preference),
        },
        // The demo's task has a scripted oracle: a verifiable-reward judge needs no endpoint.
        judge: { type: 'rule' },
      });
    } catch (problem) {
      setError(`Could not set up the demo: ${(problem as Error).message}`);
    } finally {
      setPending(false);
    }
  };

  return { apply, pending, error };
}
