import { useState } from 'react';
import { AnswerPanes } from '../chat/AnswerPanes';
import { ChatSetup } from '../chat/ChatSetup';
import { PreferenceData } from '../chat/PreferenceData';
import { PromptPanel } from '../chat/PromptPanel';
import { picksProblem } from '../chat/picks';
import { markVoted, pendingAnswers, type Round } from '../chat/round';
import { DEFAULT_SAMPLING, parseSampling } from '../chat/sampling';
import { useChatRound } from '../chat/useChatRound';
import { usePicks } from '../chat/usePicks';
import { VotePanel } from '../chat/VotePanel';
import { VotesSummary } from '../chat/VotesSummary';
import type { Pair } from '../chat/vote';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';
import { useEvent } from '../hooks/useEvent';
import { useVerb } from '../hooks/useVerb';

/** 2–4 models answer the same prompt side by side; blind votes become preference data and a DPO run. */
export function ChatSection({ client }: { client: WorkbenchClient }) {
  const models = useVerb(client, 'models.list', {});
  // A run that completes adds a model (e.g. the DPO run on these votes): offer it without a manual refresh.
  useEvent(client, 'run.status', (status) => {
    if (status.status === 'completed') models.reload();
  });
  const [picks, setPicks] = usePicks(models.data?.models);
  const [fields, setFields] = useState(DEFAULT_SAMPLING);
  const [blind, setBlind] = useState(false);
  const [prompt, setPrompt] = useState('');
  const chat = useChatRound(client);
  const [votesVersion, setVotesVersion] = useState(0);
  const votes = useVerb(client, 'votes.list', {}, votesVersion);
  const { sampling, error: samplingError } = parseSampling(fields);
  const pending = pendingAnswers(chat.round).length;

  const send = () => sampling && chat.send(prompt.trim(), picks, sampling, blind);
  const onVoted = (pair: Pair) => {
    chat.setRound((current) => current && markVoted(current, pair));
    setVotesVersion((version) => version + 1);
  };
  return (
    <div className="chat">
      <ChatSetup
        {...{ picks, fields, samplingError, blind }}
        models={models.data?.models}
        modelsError={models.error}
        onPicks={setPicks}
        onFields={setFields}
        onBlind={setBlind}
        onReloadModels={models.reload}
      />
      <PromptPanel
        {...{ prompt, pending }}
        onPrompt={setPrompt}
        problem={picksProblem(picks) ?? samplingError}
        onSend={send}
        onStop={chat.stop}
        stopError={chat.stopError}
      />
      <AnswersPanel round={chat.round} error={chat.tokenError} onReveal={() => chat.setRound(revealed)} />
      {chat.round ? <VotePanel client={client} round={chat.round} onVoted={onVoted} /> : null}
      <Panel title="Votes and preference data" testId="chat-votes" error={votes.error}>
        <VotesSummary data={votes.data} />
        <PreferenceData client={client} models={models.data?.models ?? []} picks={picks} />
      </Panel>
    </div>
  );
}

function revealed(round: Round | undefined): Round | undefined {
  return round && { ...round, revealed: true };
}

function AnswersPanel({ round, error, onReveal }: { round?: Round; error?: string; onReveal: () => void }) {
  const canReveal = round && !round.revealed && pendingAnswers(round).length === 0;
  const reveal = canReveal ? (
    <button type="button" data-testid="chat-reveal" onClick={onReveal}>
      Reveal names without voting
    </button>
  ) : undefined;
  return (
    <Panel title="Answers" testId="chat-answers" error={error} actions={reveal}>
      {round ? <AnswerPanes round={round} /> : <p className="muted">Send a prompt to see the answers side by side.</p>}
    </Panel>
  );
}
