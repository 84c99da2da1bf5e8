/** demo.setup: the built-in demo's base model and datasets in the workspace (SPEC §6), for the wizard's demo data. */
import { prepareDemoWorkspace } from '../demo/setup';
import type { ApiContext, VerbHandlers } from './context';

export function demoApi({ workspace }: ApiContext, demoBaseFolder: string) {
  const handlers: VerbHandlers<'demo.setup'> = {
    'demo.setup': async () => {
      const names = await prepareDemoWorkspace(workspace, { baseFolder: demoBaseFolder, quick: false });
      return {
        baseModel: names.baseModel,
        datasets: {
          sft: names.sft,
          preference: names.preference,
          rmHeldOut: names.rmHeldOut,
          evalPrompts: names.evalPrompts,
        },
      };
    },
  };
  return handlers;
}
