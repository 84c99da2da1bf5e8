import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Method } from '../../../main/engine/advisor/types';
import type { DatasetSummary } from '../../../preload/contract';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useVerb } from '../hooks/useVerb';
import { AdvancedSettings } from './AdvancedSettings';
import { ConstitutionEditor } from './ConstitutionEditor';
import { CreateRuns } from './CreateRuns';
import { DataOnHand } from './DataOnHand';
import { advisorInput, COUNT_OF_SLOT, type DatasetSlot, defaultMemoryGb, initialForm, type WizardForm } from './form';
import { GoalPicker } from './GoalPicker';
import { JudgePicker } from './JudgePicker';
import { RecommendationView } from './RecommendationView';
import { Resources } from './Resources';
import { useCatalogue } from './useCatalogue';
import { useDemoData } from './useDemoData';
import { useRecommendation } from './useRecommendation';
import './wizard.css';

/** The form's state, with the defaults that come from the engine (memory) filled in once they arrive. */
function useWizardForm(client: WorkbenchClient) {
  const [form, setForm] = useState<WizardForm>(() => initialForm());
  const info = useVerb(client, 'engine.info', {});
  const update = useCallback((change: Partial<WizardForm>) => setForm((previous) => ({ ...previous, ...change })), []);
  useEffect(() => {
    const data = info.data;
    if (data)
      setForm((previous) =>
        previous.gpuMemoryGb === undefined ? { ...previous, gpuMemoryGb: defaultMemoryGb(data) } : previous,
      );
  }, [info.data]);
  return { form, update, infoError: info.error };
}

export function Wizard({ client }: { client: WorkbenchClient }) {
  const { form, update, infoError } = useWizardForm(client);
  const catalogue = useCatalogue(client);
  const throughput = useVerb(client, 'advisor.throughput', {});
  const demo = useDemoData(client, catalogue, update);
  // Wait for the measured throughput (or its failure) so the advisor is asked once with it, not once before.
  const asked = useMemo(
    () =>
      throughput.loading ? undefined : advisorInput(form, catalogue.models ?? [], throughput.data?.tokensPerSecond),
    [form, catalogue.models, throughput.loading, throughput.data],
  );
  const advice = useRecommendation(client, asked && 'input' in asked ? asked.input : undefined);

  const uses = (method: Method) => advice.recommendation?.pipeline.some((stage) => stage.method === method) ?? false;
  const showsCai = uses('cai') || form.addCai;
  const pick = (slot: DatasetSlot, dataset: DatasetSummary | undefined) => {
    const datasets = { ...form.datasets, [slot]: dataset?.name };
    if (slot === 'heldOut' || !dataset) return update({ datasets });
    update({ datasets, counts: { ...form.counts, [COUNT_OF_SLOT[slot]]: dataset.rows } });
  };

  return (
    <div className="wizard">
      <Panel title="Goal" testId="wizard-goal">
        <GoalPicker goal={form.goal} onChange={(goal) => update({ goal })} />
      </Panel>
      <Panel
        title="Data on hand"
        testId="wizard-data"
        error={demo.error ?? catalogue.datasetsError}
        actions={
          <button type="button" data-testid="use-demo-data" disabled={demo.pending} onClick={demo.apply}>
            {demo.pending ? 'Setting up the demo…' : "Use the demo's data"}
          </button>
        }
      >
        <DataOnHand
          form={form}
          datasets={catalogue.datasets ?? []}
          onPick={pick}
          onCount={(slot, count) => update({ counts: { ...form.counts, [COUNT_OF_SLOT[slot]]: count } })}
        />
      </Panel>
      <Panel title="Machine and model" testId="wizard-resources" error={catalogue.modelsError ?? infoError}>
        <Resources form={form} models={catalogue.models ?? []} update={update} />
        <AdvancedSettings form={form} update={update} />
      </Panel>
      <Panel
        title="Recommendation"
        testId="recommendation"
        error={advice.error}
        actions={
          advice.pending ? (
            <span className="muted" data-testid="recommendation-pending">
              updating…
            </span>
          ) : null
        }
      >
        {advice.recommendation && advice.answered ? (
          <RecommendationView recommendation={advice.recommendation} gpuMemoryGb={advice.answered.gpuMemoryGb} />
        ) : (
          <p className="muted">{asked && 'missing' in asked ? asked.missing : 'Asking the advisor…'}</p>
        )}
      </Panel>
      {uses('cai') || uses('rlaif') ? (
        <Panel title={showsCai ? 'Constitution and judge' : 'Judge'} testId="wizard-ai-feedback">
          {uses('cai') ? null : (
            <label className="radio">
              <input
                type="checkbox"
                data-testid="add-cai"
                checked={form.addCai}
                onChange={(e) => update({ addCai: e.target.checked })}
              />
              Also run Constitutional AI after SFT (left out by the advisor: a model under 1B parameters critiques its
              own answers poorly)
            </label>
          )}
          {showsCai ? (
            <ConstitutionEditor
              constitution={form.constitution}
              onChange={(constitution) => update({ constitution })}
            />
          ) : null}
          {uses('rlaif') ? <JudgePicker judge={form.judge} onChange={(judge) => update({ judge })} /> : null}
        </Panel>
      ) : null}
      <Panel title="Create the runs" testId="wizard-create">
        <CreateRuns client={client} recommendation={advice.recommendation} form={form} />
      </Panel>
    </div>
  );
}
