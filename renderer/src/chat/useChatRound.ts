import { useCallback, useRef, useState } from 'react';
import type { Sampling } from '../../../preload/contract';
import { newId } from '../app/ids';
import type { WorkbenchClient } from '../client/client';
import { useEvent } from '../hooks/useEvent';
import { appendToken, failAnswer, finishAnswer, newRound, pendingAnswers, type Round } from './round';

/**
 * The current round: Send asks every chosen model for an answer (each with its own request id), `chat.token` events
 * stream into the answer with that id, and each reply replaces the streamed text with the whole answer.
 */
export function useChatRound(client: WorkbenchClient) {
  const [round, setRound] = useState<Round>();
  const [stopError, setStopError] = useState<string>();
  const roundRef = useRef(round);
  roundRef.current = round;
  const tokenError = useEvent(client, 'chat.token', (token) =>
    setRound((current) => current && appendToken(current, token)),
  );

  const send = useCallback(
    (prompt: string, models: string[], sampling: Sampling, blind: boolean) => {
      const next = newRound(prompt, models, blind, newId);
      setRound(next);
      setStopError(undefined);
      for (const answer of next.answers) {
        const messages = [{ role: 'user' as const, content: prompt }];
        client.call('chat.generate', { requestId: answer.requestId, model: answer.model, messages, sampling }).then(
          (reply) => setRound((current) => current && finishAnswer(current, reply)),
          (problem: Error) => setRound((current) => current && failAnswer(current, answer.requestId, problem.message)),
        );
      }
    },
    [client],
  );

  // Each cancelled answer still resolves its chat.generate call (cancelled: true), which marks it done.
  const stop = useCallback(() => {
    for (const answer of pendingAnswers(roundRef.current)) {
      client
        .call('chat.cancel', { requestId: answer.requestId })
        .catch((problem: Error) => setStopError(problem.message));
    }
  }, [client]);

  return { round, setRound, send, stop, tokenError, stopError };
}
