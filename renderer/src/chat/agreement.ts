import type { Agreement } from '../../../preload/contract';

/** Agreement in words: the figures, or why there are none yet. */
export function describeAgreement(agreement: Agreement): string {
  if (agreement.pairwiseAgreement === null || agreement.sharedPrompts === 0) {
    const count = agreement.annotators.length;
    if (count === 0) return 'No annotators yet: agreement needs two people voting on the same prompts.';
    if (count === 1) return 'One annotator so far: agreement needs two people voting on the same prompts.';
    return 'No prompt has votes from two annotators yet.';
  }
  const share = `${Math.round(agreement.pairwiseAgreement * 100)}%`;
  const kappa = agreement.kappa === null ? 'undefined' : agreement.kappa.toFixed(2);
  return `Pairwise agreement ${share} · Cohen's κ ${kappa} · over ${agreement.sharedPrompts} shared prompts, ${agreement.annotators.length} annotators`;
}

export const AGREEMENT_MEANING =
  'Agreement is how often two annotators who voted on the same prompt picked the same answer; κ corrects it for ' +
  'agreement by chance (1: they always agree, 0: no better than chance). Low κ means noisy preference data.';
