import type { VerbResponse } from '../../../preload/contract';
import { AGREEMENT_MEANING, describeAgreement } from './agreement';

/** How many votes there are and how far the annotators agree (from votes.list). */
export function VotesSummary({ data }: { data: VerbResponse<'votes.list'> | undefined }) {
  if (!data) return <p className="muted">Reading the votes…</p>;
  const withWinner = data.votes.filter((vote) => vote.choice === 'A' || vote.choice === 'B').length;
  return (
    <div className="votes-summary">
      <p data-testid="votes-count" data-count={data.votes.length}>
        {data.votes.length} {data.votes.length === 1 ? 'vote' : 'votes'} ({withWinner} with a winner, which become
        preference pairs)
      </p>
      <p data-testid="agreement">{describeAgreement(data.agreement)}</p>
      <p className="muted">{AGREEMENT_MEANING}</p>
    </div>
  );
}
