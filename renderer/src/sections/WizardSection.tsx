import type { WorkbenchClient } from '../client/client';
import { Wizard } from '../wizard/Wizard';

/** Wizard: goal, data, machine and model → the recommended pipeline with its cost, and one click to create the runs. */
export function WizardSection({ client }: { client: WorkbenchClient }) {
  return <Wizard client={client} />;
}
