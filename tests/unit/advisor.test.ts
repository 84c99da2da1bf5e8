/**
 * The method advisor: hand-computed memory figures, one test per branch of the decision framework, the fixes
 * (re-estimated, not made up) and time estimates from measured throughput.
 */
import { describe, expect, it } from 'vitest';
import { METHOD_COMPARISON, recommend } from '../../main/engine/advisor/advisor';
import { estimateMemory, loraParameters } from '../../main/engine/advisor/memory';
import {
  type AdvisorInput,
  GOALS,
  type ModelSpec,
  RecommendationSchema,
  type TrainingSettings,
  TrainingSettingsSchema,
} from '../../main/engine/advisor/types';
import { InputError } from '../../main/engine/errors';

// 1B parameters, 16 layers of width 2048 (so 32 heads of 64 and an MLP of 8192), 32,000 tokens, 512 per sequence.
const ONE_B: ModelSpec = {
  name: 'one-b',
  parameters: 1e9,
  layers: 16,
  hiddenSize: 2048,
  vocabSize: 32_000,
  maxLength: 512,
  alreadySft: false,
};
const SMALL: ModelSpec = { ...ONE_B, name: 'small', parameters: 125e6, layers: 12, hiddenSize: 768 };
const DEFAULTS: TrainingSettings = TrainingSettingsSchema.parse({});
const training = (overrides: Partial<TrainingSettings> = {}): TrainingSettings => ({ ...DEFAULTS, ...overrides });

// Activations of one fp32 batch of 8 sequences × 512 tokens of ONE_B, in GB:
// kept values   16 layers · 4096 tokens · 2048 · 16 values · 4 B = 8.589934592
// scores        16 layers · 8 sequences · 32 heads · 512² · 1 value · 4 B = 4.294967296
// logits        4096 tokens · 32,000 · 2 values · 4 B = 1.048576
const HIDDEN_8 = 8.589934592;
const SCORES_8 = 4.294967296;
const LOGITS_8 = 1.048576;
const SFT_ACTIVATIONS = HIDDEN_8 + SCORES_8 + LOGITS_8; // 13.933477888
// LoRA r=16: per layer 4 · 16 · (2048 + 2048) + 3 · 16 · (2048 + 8192) = 262,144 + 491,520 = 753,664; × 16 layers.
const LORA_PARAMS = 12_058_624;
// Frozen fp32 base + fp32 adapters (weights 4 B, gradients 4 B, AdamW moments 8 B per adapter parameter).
const LORA_STATE = 4 + (LORA_PARAMS * 16) / 1e9; // 4.192937984

const input = (overrides: Partial<AdvisorInput> = {}): AdvisorInput => ({
  goal: 'fast_iteration',
  data: { demonstrations: 1000, preferencePairs: 2000, prompts: 500 },
  gpuMemoryGb: 141,
  timeBudgetHours: 24,
  annotators: 3,
  model: ONE_B,
  ...overrides,
});
const methodsOf = (rec: ReturnType<typeof recommend>) => rec.pipeline.map((stage) => stage.method);
const codesOf = (rec: ReturnType<typeof recommend>) => rec.warnings.map((warning) => warning.code);

describe('estimateMemory', () => {
  it('needs 16 GB for weights, gradients and AdamW alone for a 1B model fully fine-tuned in fp32', () => {
    const memory = estimateMemory('sft', ONE_B, DEFAULTS);
    expect(memory.weightsGb).toBeCloseTo(4, 9); // 1e9 · 4 B
    expect(memory.gradientsGb).toBeCloseTo(4, 9); // 1e9 · 4 B
    expect(memory.optimizerGb).toBeCloseTo(8, 9); // 1e9 · 2 moments · 4 B
    expect(memory.weightsGb + memory.gradientsGb + memory.optimizerGb).toBeGreaterThanOrEqual(16);
    expect(memory.referenceGb + memory.rewardGb + memory.valueGb).toBe(0);
    expect(memory.activationsGb).toBeCloseTo(SFT_ACTIVATIONS, 9);
    expect(memory.totalGb).toBeCloseTo(16 + SFT_ACTIVATIONS, 9);
    expect(memory.lora).toBe(false);
    expect(memory.breakdown).toBe(
      'weights 4.00 GB + gradients 4.00 GB + optimizer 8.00 GB + activations 13.9 GB = 29.9 GB (sft: full fine-tuning, fp32, batch 8 × 512 tokens)',
    );
  });

  it('adds an fp32 master copy under bf16 and halves the activations', () => {
    const memory = estimateMemory('sft', ONE_B, training({ precision: 'bf16' }));
    expect(memory.weightsGb).toBeCloseTo(2, 9);
    expect(memory.gradientsGb).toBeCloseTo(2, 9);
    expect(memory.optimizerGb).toBeCloseTo(12, 9); // moments 8 + master 4
    // Kept values and scores at 2 bytes; the logits stay fp32 for the loss.
    expect(memory.activationsGb).toBeCloseTo(HIDDEN_8 / 2 + SCORES_8 / 2 + LOGITS_8, 9);
  });

  it('holds a reference for DPO unless its log-probs are precomputed, and doubles the activations for pairs', () => {
    const held = estimateMemory('dpo', ONE_B, training({ precomputeRefLogProbs: false }));
    const precomputed = estimateMemory('dpo', ONE_B, training({ precomputeRefLogProbs: true }));
    expect(held.referenceGb).toBeCloseTo(4, 9);
    expect(precomputed.referenceGb).toBe(0);
    expect(held.totalGb - precomputed.totalGb).toBeCloseTo(4, 9);
    expect(precomputed.activationsGb).toBeCloseTo(2 * SFT_ACTIVATIONS, 9); // 16 sequences
  });

  it('reads a scalar head for the reward model: pairs, no logits', () => {
    const memory = estimateMemory('reward', ONE_B, DEFAULTS);
    expect(memory.weightsGb).toBeCloseTo(((1e9 + 2049) * 4) / 1e9, 9);
    expect(memory.activationsGb).toBeCloseTo(2 * (HIDDEN_8 + SCORES_8), 9);
  });

  it('adds a reference, a reward model and a full value model to PPO under full fine-tuning', () => {
    const sft = estimateMemory('sft', ONE_B, DEFAULTS);
    const ppo = estimateMemory('ppo', ONE_B, DEFAULTS);
    expect(ppo.referenceGb).toBeCloseTo(4, 9);
    expect(ppo.rewardGb).toBeCloseTo(4, 9);
    expect(ppo.valueGb).toBeCloseTo(((1e9 + 2049) * 16) / 1e9, 9); // a trained copy plus its head, 16 B each
    // The value model's transformer keeps its own activations (no logits).
    expect(ppo.activationsGb).toBeCloseTo(SFT_ACTIVATIONS + HIDDEN_8 + SCORES_8, 9);
    expect(ppo.totalGb - sft.totalGb).toBeGreaterThanOrEqual(ppo.referenceGb + ppo.rewardGb);
    expect(ppo.totalGb).toBeCloseTo(16 + 4 + 4 + 16.000032784 + 26.818379776, 9);
  });

  it('trains only the adapters under LoRA, and PPO and DPO share the base as their reference', () => {
    expect(loraParameters(ONE_B, 16)).toBe(LORA_PARAMS);
    const lora = training({ lora: true, precomputeRefLogProbs: false });
    const sft = estimateMemory('sft', ONE_B, lora);
    expect(sft.weightsGb).toBeCloseTo(4 + (LORA_PARAMS * 4) / 1e9, 9);
    expect(sft.gradientsGb).toBeCloseTo((LORA_PARAMS * 4) / 1e9, 9);
    expect(sft.optimizerGb).toBeCloseTo((LORA_PARAMS * 8) / 1e9, 9);
    expect(sft.totalGb).toBeCloseTo(LORA_STATE + SFT_ACTIVATIONS, 9);
    expect(sft.lora).toBe(true);
    const ppo = estimateMemory('ppo', ONE_B, lora);
    expect(ppo.referenceGb).toBe(0);
    expect(ppo.rewardGb).toBeCloseTo(4, 9); // still a separate model
    expect(ppo.valueGb).toBeCloseTo((2049 * 16) / 1e9, 12); // a head on the policy's trunk
    expect(ppo.totalGb - sft.totalGb).toBeCloseTo(ppo.rewardGb + ppo.valueGb, 9); // the reference costs nothing
    expect(estimateMemory('dpo', ONE_B, lora).referenceGb).toBe(0);
  });

  it('counts a generation stage as frozen weights and a key/value cache', () => {
    const cai = estimateMemory('cai', ONE_B, DEFAULTS);
    expect(cai.weightsGb).toBeCloseTo(4, 9);
    expect(cai.gradientsGb + cai.optimizerGb).toBe(0);
    // 16 layers · 8 · 512 tokens · 2048 · 2 (key, value) · 4 B + 8 · 32,000 · 4 B of last-position logits
    expect(cai.activationsGb).toBeCloseTo(1.073741824 + 0.001024, 9);
  });
});

describe('recommend: the decision framework', () => {
  it('max quality with preferences and room: SFT → RM → PPO, 3–4 iterations', () => {
    const rec = recommend(input({ goal: 'max_quality' }));
    expect(rec.framework).toBe('max_quality.rlhf');
    expect(methodsOf(rec)).toEqual(['sft', 'reward', 'ppo']);
    expect(rec.pipeline.map((stage) => stage.dataset)).toEqual(['demonstrations', 'preferences', 'prompts']);
    expect(rec.pipeline.map((stage) => stage.startsFrom)).toEqual([null, 0, 0]);
    expect(rec.reason).toContain('3–4 iterations');
    expect(rec.reason).toContain('diverse preference data');
    expect(rec.warnings).toEqual([]);
    expect(rec.fits).toBe(true);
    expect(rec.fixes).toEqual([]);
    expect(rec.comparison).toEqual([METHOD_COMPARISON.sft, METHOD_COMPARISON.rlhf]);
    expect(RecommendationSchema.parse(rec)).toEqual(rec);
  });

  it('max quality where PPO does not fit: SFT → DPO, saying why and what would let RLHF fit', () => {
    // PPO needs 66.8 GB; DPO 43.9 GB and SFT 29.9 GB fit in 48.
    const rec = recommend(input({ goal: 'max_quality', gpuMemoryGb: 48 }));
    expect(rec.framework).toBe('max_quality.dpo_fallback');
    expect(methodsOf(rec)).toEqual(['sft', 'dpo']);
    expect(codesOf(rec)).toEqual(['rlhf_does_not_fit']);
    const message = rec.warnings[0]?.message;
    expect(message).toContain("RLHF's ppo stage needs 66.8 GB, more than the 48 GB available");
    // With LoRA the largest stage becomes the reward model's (pairs): 4.19 + 25.77 (activations) = 30.0 GB; PPO's is
    // 4.19 + 4 (reward model) + 0.00003 (value head) + 13.93 = 22.1 GB.
    expect(message).toContain('It would fit (30.0 GB) with: use LoRA (r=16).');
    expect(rec.reason).toContain(message);
    expect(rec.fits).toBe(true);
  });

  it('max quality over the time budget: SFT → DPO with rlhf_over_budget', () => {
    const throughput = { sft: 1000, reward: 1000, ppo: 1000, dpo: 1000 };
    // RLHF: 512 s SFT + 2048 s RM + 1290.24 s PPO = 3850.24 s > 1 h; SFT → DPO: 512 + 2048 = 2560 s.
    const rec = recommend(input({ goal: 'max_quality', throughput, timeBudgetHours: 1 }));
    expect(rec.framework).toBe('max_quality.dpo_fallback');
    expect(codesOf(rec)).toEqual(['rlhf_over_budget']);
    expect(rec.warnings[0]?.message).toBe('One RLHF iteration takes about 1.1 h, over the 1 h budget.');
    expect(rec.totalTime.seconds).toBeCloseTo(2560, 9);
  });

  it('max quality with pairs but no annotators: RLHF, warning that the iterations need labels', () => {
    const rec = recommend(input({ goal: 'max_quality', annotators: 0 }));
    expect(rec.framework).toBe('max_quality.rlhf');
    expect(codesOf(rec)).toEqual(['no_annotators']);
    expect(rec.warnings[0]?.message).toContain('only the first can run, on the 2000 pairs at hand');
  });

  it('max quality with neither annotators nor pairs: DPO, warning that it needs preference labels', () => {
    const rec = recommend(
      input({ goal: 'max_quality', annotators: 0, data: { demonstrations: 1000, preferencePairs: 20, prompts: 0 } }),
    );
    expect(rec.framework).toBe('max_quality.dpo_fallback');
    expect(methodsOf(rec)).toEqual(['sft', 'dpo']);
    expect(codesOf(rec)).toEqual(['no_annotators', 'few_preferences']);
    expect(rec.warnings[0]?.message).toContain('Maximum quality needs preference labels');
  });

  it('fast iteration: SFT → DPO from the SFT model', () => {
    const rec = recommend(input({ goal: 'fast_iteration' }));
    expect(rec.framework).toBe('fast_iteration.dpo');
    expect(methodsOf(rec)).toEqual(['sft', 'dpo']);
    expect(rec.pipeline[1]?.startsFrom).toBe(0);
    expect(rec.comparison.map((row) => row.method)).toEqual(['SFT', 'DPO']);
    expect(rec.warnings).toEqual([]);
  });

  it('minimal labelling with a strong base: CAI revisions as SFT data, then RLAIF pairs for DPO', () => {
    const rec = recommend(input({ goal: 'min_labelling' }));
    expect(rec.framework).toBe('min_labelling.cai');
    expect(methodsOf(rec)).toEqual(['sft', 'cai', 'sft', 'rlaif', 'dpo']);
    expect(rec.pipeline.map((stage) => stage.dataset)).toEqual([
      'demonstrations',
      'prompts',
      'synthetic',
      'prompts',
      'synthetic',
    ]);
    // CAI generates with the SFT model; RLAIF samples the CAI-tuned model, and DPO trains that same model.
    expect(rec.pipeline.map((stage) => stage.startsFrom)).toEqual([null, 0, 0, 2, 2]);
    expect(rec.comparison.map((row) => row.method)).toEqual(['SFT', 'CAI / RLAIF', 'DPO']);
    expect(codesOf(rec)).toEqual([]);
  });

  it('minimal labelling with a weak base: SFT → RLAIF with an external judge → DPO, warning weak_base_for_cai', () => {
    for (const model of [SMALL, { ...SMALL, alreadySft: true }]) {
      const rec = recommend(input({ goal: 'min_labelling', model }));
      expect(rec.framework).toBe('min_labelling.rlaif_external_judge');
      expect(methodsOf(rec)).toEqual(model.alreadySft ? ['rlaif', 'dpo'] : ['sft', 'rlaif', 'dpo']);
      expect(codesOf(rec)).toEqual(['weak_base_for_cai']);
      expect(rec.warnings[0]?.message).toContain('A 125M-parameter model cannot critique');
      expect(rec.pipeline.at(-2)?.why).toContain('external judge');
    }
  });

  it('research: DPO first and RLHF as a baseline, both from the same SFT checkpoint', () => {
    const rec = recommend(input({ goal: 'research' }));
    expect(rec.framework).toBe('research.dpo_and_rlhf');
    expect(methodsOf(rec)).toEqual(['sft', 'dpo', 'reward', 'ppo']);
    expect(rec.pipeline.map((stage) => stage.startsFrom)).toEqual([null, 0, 0, 0]);
    expect(rec.reason).toContain('reward-model ablations');
    expect(rec.comparison.map((row) => row.method)).toEqual(['SFT', 'DPO', 'RLHF (RM + PPO)']);
  });

  it('skips SFT for an already instruction-tuned model, and says so', () => {
    const model = { ...ONE_B, alreadySft: true };
    const data = { demonstrations: 0, preferencePairs: 2000, prompts: 500 };
    const fast = recommend(input({ goal: 'fast_iteration', model, data }));
    expect(methodsOf(fast)).toEqual(['dpo']);
    expect(fast.pipeline[0]?.startsFrom).toBeNull();
    expect(fast.reason).toContain('one-b is already instruction-tuned, so the pipeline skips SFT.');
    expect(codesOf(fast)).toEqual([]);
    const research = recommend(input({ goal: 'research', model, data }));
    expect(methodsOf(research)).toEqual(['dpo', 'reward', 'ppo']);
    expect(research.pipeline.map((stage) => stage.startsFrom)).toEqual([null, null, null]);
  });

  it.each(GOALS)('%s without demonstrations on a never-SFT’d model: SFT still first, warning no_sft', (goal) => {
    const rec = recommend(input({ goal, data: { demonstrations: 0, preferencePairs: 2000, prompts: 500 } }));
    expect(rec.pipeline[0]?.method).toBe('sft');
    expect(rec.pipeline[0]?.dataset).toBe('preferences'); // the chosen answers
    expect(codesOf(rec)).toContain('no_sft');
    expect(rec.warnings.find((w) => w.code === 'no_sft')?.message).toContain('SFT stays first anyway');
  });

  it('warns few_preferences below 100 pairs with no annotators, not when someone can label more', () => {
    const data = { demonstrations: 1000, preferencePairs: 50, prompts: 0 };
    expect(codesOf(recommend(input({ data, annotators: 0 })))).toEqual(['few_preferences']);
    expect(codesOf(recommend(input({ data, annotators: 2 })))).toEqual([]);
  });

  it('rejects bad input with an InputError naming the field', () => {
    expect(() => recommend(input({ gpuMemoryGb: -1 }))).toThrow(InputError);
    expect(() => recommend(input({ annotators: 1.5 }))).toThrow(/annotators/);
  });
});

describe('recommend: fits and fixes', () => {
  it('flags each stage that does not fit and lists re-estimated fixes, one of which fits', () => {
    // 24 GB: SFT needs 29.9 GB and DPO 43.9 GB (16 sequences of activations).
    const rec = recommend(input({ gpuMemoryGb: 24 }));
    expect(rec.fits).toBe(false);
    expect(rec.warnings).toEqual([
      { code: 'does_not_fit', message: 'Stage 1 (sft) needs 29.9 GB, more than the 24 GB available.' },
      { code: 'does_not_fit', message: 'Stage 2 (dpo) needs 43.9 GB, more than the 24 GB available.' },
    ]);
    expect(rec.fixes.map((fix) => fix.change)).toEqual([
      'use LoRA (r=16)',
      'batch 2 instead of 8 (gradient accumulation 4 keeps the effective batch)',
      'max length 128 instead of 512 (longer rows are truncated)',
    ]);
    const [lora, batch, length] = rec.fixes;
    // LoRA leaves DPO's 27.9 GB of activations: 4.19 + 27.87 = 32.06 GB.
    expect(lora).toMatchObject({ fits: false });
    expect(lora?.memoryGb).toBeCloseTo(LORA_STATE + 2 * SFT_ACTIVATIONS, 9);
    // Batch 2: DPO holds 4 sequences, a quarter of the activations: 16 + 6.966738944 GB; batch 4 would be 29.9.
    expect(batch).toMatchObject({ fits: true });
    expect(batch?.memoryGb).toBeCloseTo(16 + (2 * SFT_ACTIVATIONS) / 4, 9);
    expect(batch?.memoryGb).toBe(estimateMemory('dpo', ONE_B, training({ batchSize: 2 })).totalGb);
    // Max length 128: 16 sequences × 128 tokens: 4.294967296 + 0.536870912 (scores) + 0.524288 (logits).
    expect(length).toMatchObject({ fits: true });
    expect(length?.memoryGb).toBeCloseTo(16 + 4.294967296 + 0.536870912 + 0.524288, 9);
    expect(length?.memoryGb).toBe(estimateMemory('dpo', { ...ONE_B, maxLength: 128 }, DEFAULTS).totalGb);
  });

  it('proposes precomputing the reference log-probs when DPO holds a reference', () => {
    // DPO with its reference: 43.87 + 4 = 47.87 GB > 46; precomputed: 43.87 GB.
    const rec = recommend(input({ gpuMemoryGb: 46, training: { precomputeRefLogProbs: false } }));
    expect(rec.fits).toBe(false);
    const fix = rec.fixes.find((candidate) => candidate.change === 'precompute reference log-probs');
    expect(fix?.fits).toBe(true);
    expect(fix?.memoryGb).toBeCloseTo(16 + 2 * SFT_ACTIVATIONS, 9);
  });

  it('combines the changes when none fits alone', () => {
    // 12 GB: LoRA alone 32.06, batch 1 alone 19.48, max length 64 alone 18.54 GB; LoRA + batch 2: 11.16 GB.
    const rec = recommend(input({ gpuMemoryGb: 12 }));
    expect(rec.fixes.slice(0, 3).every((fix) => !fix.fits)).toBe(true);
    expect(rec.fixes[1]?.memoryGb).toBeCloseTo(16 + (2 * SFT_ACTIVATIONS) / 8, 9);
    const combined = rec.fixes[3];
    expect(combined?.change).toBe(
      'use LoRA (r=16) + batch 2 instead of 8 (gradient accumulation 4 keeps the effective batch)',
    );
    expect(combined?.fits).toBe(true);
    expect(combined?.memoryGb).toBeCloseTo(LORA_STATE + (2 * SFT_ACTIVATIONS) / 4, 9);
    const recomputed = estimateMemory('dpo', ONE_B, training({ lora: true, batchSize: 2 })).totalGb;
    expect(combined?.memoryGb).toBe(recomputed);
  });
});

describe('recommend: time', () => {
  it('turns measured tokens/s into seconds per stage and in total', () => {
    const rec = recommend(input({ throughput: { sft: 1000, dpo: 800 } }));
    // SFT: ⌈1000 / 8⌉ = 125 steps · 8 · 512 = 512,000 tokens; DPO: 250 steps · 8 pairs · 2 · 512 = 2,048,000 tokens.
    expect(rec.pipeline[0]?.time).toEqual({ seconds: 512, basis: '512,000 tokens at 1,000 tokens/s measured for sft' });
    expect(rec.pipeline[1]?.time).toEqual({
      seconds: 2560,
      basis: '2,048,000 tokens at 800 tokens/s measured for dpo',
    });
    expect(rec.totalTime.seconds).toBe(3072);
  });

  it('counts PPO as a rollout pass and 4 update passes, and honours planned steps', () => {
    const rec = recommend(input({ goal: 'research', throughput: { ppo: 2000 }, plannedSteps: 10 }));
    // 10 steps · 8 · 512 · (1 + 4) = 204,800 tokens at 2,000 tokens/s.
    expect(rec.pipeline[3]?.time.seconds).toBeCloseTo(102.4, 9);
    const byData = recommend(input({ goal: 'research', throughput: { ppo: 2000 } }));
    // ⌈500 prompts / 8⌉ = 63 steps · 8 · 512 · 5 = 1,290,240 tokens.
    expect(byData.pipeline[3]?.time.seconds).toBeCloseTo(645.12, 9);
  });

  it('is null, with the reason, without measured throughput', () => {
    const none = recommend(input());
    expect(none.pipeline[0]?.time).toEqual({ seconds: null, basis: 'no measured throughput for sft (512,000 tokens)' });
    expect(none.totalTime).toEqual({ seconds: null, basis: 'no measured throughput for sft, dpo' });
    const partial = recommend(input({ throughput: { sft: 1000 } }));
    expect(partial.pipeline[0]?.time.seconds).toBe(512);
    expect(partial.totalTime).toEqual({ seconds: null, basis: 'no measured throughput for dpo' });
  });

  it('warns over_budget when the measured total exceeds the time budget', () => {
    const rec = recommend(input({ throughput: { sft: 1000, dpo: 800 }, timeBudgetHours: 0.5 }));
    expect(rec.warnings).toEqual([
      { code: 'over_budget', message: 'The pipeline takes about 0.9 h, over the 0.5 h budget.' },
    ]);
  });

  it('trains at least one step when a stage has no rows yet', () => {
    const data = { demonstrations: 1000, preferencePairs: 0, prompts: 0 };
    const rec = recommend(input({ data, annotators: 2, throughput: { dpo: 1024 } }));
    // 1 step · 8 pairs · 2 · 512 = 8,192 tokens.
    expect(rec.pipeline[1]?.time.seconds).toBe(8);
  });
});
