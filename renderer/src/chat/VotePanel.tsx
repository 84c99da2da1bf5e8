import { useState } from 'react';
import type { Vote } from '../../../preload/contract';
import { readSetting, writeSetting } from '../app/storage';
import { useAction } from '../app/useAction';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { PairPicker } from './PairPicker';
import type { Round } from './round';
import { choiceLabel, type Pair, VOTE_CHOICES, type VoteChoice, voteBlocker, votePayload } from './vote';

const ANNOTATOR_KEY = 'awb.annotator';

function useAnnotator() {
  const [annotator, setAnnotator] = useState(() => readSetting(ANNOTATOR_KEY) ?? '');
  const update = (name: string) => {
    setAnnotator(name);
    writeSetting(ANNOTATOR_KEY, name);
  };
  return [annotator, update] as const;
}

interface VoteProps {
  client: WorkbenchClient;
  round: Round;
  onVoted: (pair: Pair) => void;
}

/** A vote on two answers of the round (A, B, tie, both bad), stored with the annotator's name. */
export function VotePanel(props: VoteProps) {
  const [annotator, setAnnotator] = useAnnotator();
  return (
    <Panel title="Vote" testId="chat-vote">
      <label className="annotator">
        Annotator
        <input data-testid="annotator" value={annotator} onChange={(event) => setAnnotator(event.target.value)} />
      </label>
      {/* A new round starts with a fresh pair and no receipt. */}
      <RoundVote key={props.round.answers[0]?.requestId} {...props} annotator={annotator} />
    </Panel>
  );
}

function RoundVote({ client, round, onVoted, annotator }: VoteProps & { annotator: string }) {
  const [pair, setPair] = useState<Pair>(['A', 'B']);
  const vote = useAction(async (choice: VoteChoice) => {
    const stored = await client.call('votes.add', votePayload(round, pair, choice, annotator));
    onVoted(pair);
    return stored;
  });
  const blocker = voteBlocker(round, pair, annotator);
  return (
    <>
      {round.answers.length > 2 ? <PairPicker round={round} pair={pair} onChange={setPair} /> : null}
      <fieldset className="vote-buttons">
        <legend>
          Which is better, {pair[0]} or {pair[1]}?
        </legend>
        {VOTE_CHOICES.map((choice) => (
          <button
            key={choice}
            type="button"
            data-testid={`vote-${choice}`}
            disabled={blocker !== undefined || vote.pending}
            onClick={() => vote.run(choice)}
          >
            {choiceLabel(choice, pair)}
          </button>
        ))}
      </fieldset>
      <p className="muted" data-testid="vote-status">
        {vote.pending ? 'Storing the vote…' : (blocker ?? voteHint(round))}
      </p>
      {vote.error ? (
        <p className="panel-error" role="alert" data-testid="vote-error">
          {vote.error}
        </p>
      ) : null}
      {vote.result && !vote.pending ? <VoteReceipt vote={vote.result} /> : null}
    </>
  );
}

function voteHint(round: Round): string {
  return round.revealed ? 'Pick the better answer.' : 'Pick the better answer; the names show after you vote.';
}

function VoteReceipt({ vote }: { vote: Vote }) {
  const [first, second] = vote.answers.map((answer) => answer.model);
  const verdicts: Record<VoteChoice, string> = {
    A: `${first} preferred over ${second}`,
    B: `${second} preferred over ${first}`,
    tie: `a tie between ${first} and ${second}`,
    both_bad: `both bad: ${first} and ${second}`,
  };
  return (
    <p data-testid="vote-receipt" role="status">
      Stored: {verdicts[vote.choice]}.
    </p>
  );
}
