/**
 * The charts each method's dashboard shows, by TRL's metric names, each with the one line a practitioner needs to read
 * it (SPEC §4). Metrics a run logs that are not listed here still get a chart, after these.
 */
export interface MetricInfo {
  name: string;
  explanation: string;
}

/** Tokens per second is not a TRL metric: the dashboard files the events' `tokensPerSecond` under this name. */
export const TOKENS_PER_SECOND = 'tokens_per_second';

const LOSS: Record<string, string> = {
  sft: 'Mean negative log-likelihood of the completion tokens (nats); exp(loss) is the perplexity.',
  reward: 'Bradley–Terry loss −log σ(r_chosen − r_rejected); ln 2 ≈ 0.693 means the pairs cannot be told apart yet.',
  dpo: 'The DPO loss; for sigmoid it starts at ln 2 ≈ 0.693, when the policy equals the reference.',
  ppo: 'The PPO update loss; read objective/rlhf_reward and objective/kl for progress instead.',
};

const SHARED: MetricInfo[] = [
  {
    name: 'grad_norm',
    explanation: 'Gradient norm before clipping; spikes warn of instability (lower the learning rate).',
  },
  { name: 'learning_rate', explanation: 'The schedule: warmup, then linear or cosine decay.' },
  { name: TOKENS_PER_SECOND, explanation: 'Training throughput, every sequence of a step counted (a pair is two).' },
];

const OWN: Record<string, MetricInfo[]> = {
  sft: [
    {
      name: 'mean_token_accuracy',
      explanation: 'Share of completion tokens the model ranks first; it saturates early.',
    },
    {
      name: 'entropy',
      explanation:
        'Spread of the next-token predictions (nats); a collapse to 0 with a rising eval_loss is memorising.',
    },
    { name: 'eval_loss', explanation: 'Loss on held-out rows: when it rises while loss falls, the model overfits.' },
    {
      name: 'eval_perplexity',
      explanation: 'exp(eval_loss): how many tokens the model hesitates between, on average.',
    },
  ],
  reward: [
    { name: 'accuracy', explanation: 'Share of training pairs where the chosen answer scores higher.' },
    { name: 'margin', explanation: 'Mean r_chosen − r_rejected; it keeps growing long after accuracy saturates.' },
    { name: 'mean_reward', explanation: 'Mean score of all answers; only differences matter, so it may drift freely.' },
    {
      name: 'eval_accuracy',
      explanation: 'Accuracy on held-out pairs: the number that says whether the RM generalises.',
    },
  ],
  dpo: [
    {
      name: 'rewards/chosen',
      explanation:
        'β·(log π − log π_ref) of the chosen answers. It can fall while rewards/margins rises: both log-probs fall, the rejected one faster.',
    },
    {
      name: 'rewards/rejected',
      explanation: 'β·(log π − log π_ref) of the rejected answers: how far the policy moved away.',
    },
    {
      name: 'rewards/margins',
      explanation: 'rewards/chosen − rewards/rejected: the implicit reward gap the loss widens.',
    },
    { name: 'rewards/accuracies', explanation: 'Share of pairs whose chosen answer has the higher implicit reward.' },
    {
      name: 'logps/chosen',
      explanation: 'Policy log-probability of the chosen answers; a steep fall warns of drift (raise β).',
    },
    { name: 'logps/rejected', explanation: 'Policy log-probability of the rejected answers; it should fall faster.' },
  ],
  ppo: [
    { name: 'objective/rlhf_reward', explanation: 'Score minus the KL penalty: what PPO maximises; it should rise.' },
    {
      name: 'objective/scores',
      explanation: 'Reward-model scores of the rollouts; rising alone (KL up too) may be hacking.',
    },
    { name: 'objective/kl', explanation: 'KL from the reference policy; spikes or steady growth mean drift.' },
    { name: 'objective/entropy', explanation: 'Policy entropy on rollouts; a collapse means repetitive answers.' },
    {
      name: 'objective/non_score_reward',
      explanation: '−kl_coef·KL summed over the response: the penalty part of the reward.',
    },
    {
      name: 'policy/approxkl_avg',
      explanation: 'KL between the policy before and after an update; large values: steps too big.',
    },
    {
      name: 'policy/clipfrac_avg',
      explanation: 'Share of tokens where the ratio hit cliprange; above ~0.2 updates are too big.',
    },
    { name: 'loss/policy_avg', explanation: 'The clipped policy-gradient loss.' },
    { name: 'loss/value_avg', explanation: 'The value head’s loss; it should fall as the critic learns the returns.' },
    { name: 'val/clipfrac_avg', explanation: 'Share of value predictions clipped by cliprange_value.' },
    { name: 'val/ratio', explanation: 'Mean new/old probability ratio; should stay near 1.' },
    {
      name: 'val/num_eos_tokens',
      explanation: 'Rollouts that ended with EOS; a fall means answers run to the length limit.',
    },
  ],
};

/** The charts of a stage trained with `method`, loss first. */
export function metricsFor(method: string): MetricInfo[] {
  const loss = { name: 'loss', explanation: LOSS[method] ?? 'The training loss.' };
  return [loss, ...(OWN[method] ?? []), ...SHARED];
}

/** The listed charts plus any other metric the run logged, in the order first seen. */
export function chartsFor(method: string, logged: Iterable<string>): MetricInfo[] {
  const listed = metricsFor(method);
  const known = new Set(listed.map((metric) => metric.name));
  const extra = [...logged].filter((name) => !known.has(name)).map((name) => ({ name, explanation: '' }));
  return [...listed, ...extra];
}
