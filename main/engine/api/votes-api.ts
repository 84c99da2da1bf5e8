/** votes.*: store a chat vote, list votes with annotator agreement, turn the votes into a preference dataset. */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Catalogue, type VoteRecord } from '../catalogue/catalogue';
import { renderChat } from '../datasets/chat';
import { datasetTokenizer, importDataset } from '../datasets/store';
import { InputError } from '../errors';
import { agreement } from '../votes/agreement';
import type { ApiContext, VerbHandlers } from './context';
import { datasetSummary } from './datasets-api';

type VoteVerbs = 'votes.add' | 'votes.list' | 'votes.toDataset';

/** The winner and loser of a vote for A or B; ties, "both bad" and identical answers teach nothing. */
function preferencePair(vote: VoteRecord): { chosen: string; rejected: string; model: string } | undefined {
  if (vote.choice !== 'A' && vote.choice !== 'B') return undefined;
  const [a, b] = vote.answers as [VoteRecord['answers'][0], VoteRecord['answers'][0]];
  const [winner, loser] = vote.choice === 'A' ? [a, b] : [b, a];
  if (winner.text === loser.text) return undefined;
  return { chosen: winner.text, rejected: loser.text, model: winner.model };
}

/**
 * Rows in the form the models were trained on: the prompt rendered by the voted model's chat template (as chat
 * generation rendered it), the answers as generated.
 */
async function preferenceRows(workspace: string, votes: VoteRecord[]) {
  const rows = new Map<string, { prompt: string; chosen: string; rejected: string }>();
  for (const vote of votes) {
    const pair = preferencePair(vote);
    if (!pair) continue;
    const tokenizer = await datasetTokenizer(workspace, pair.model);
    const prompt = renderChat(tokenizer, [{ role: 'user', content: vote.prompt }], true);
    const row = { prompt, chosen: pair.chosen, rejected: pair.rejected };
    rows.set(JSON.stringify(row), row); // the same pair voted twice is one row
  }
  return [...rows.values()];
}

export function votesApi({ workspace }: ApiContext) {
  const handlers: VerbHandlers<VoteVerbs> = {
    'votes.add': async (vote) => {
      const record: VoteRecord = { ...vote, id: randomUUID(), at: new Date().toISOString() };
      await (await Catalogue.open(workspace)).addVote(record);
      return record;
    },
    'votes.list': async () => {
      const votes = (await Catalogue.peek(workspace)).votes;
      return { votes, agreement: agreement(votes) };
    },
    'votes.toDataset': async ({ name }) => {
      const votes = (await Catalogue.peek(workspace)).votes;
      const rows = await preferenceRows(workspace, votes);
      if (rows.length === 0) throw new InputError('no vote picked A or B with two different answers yet');
      const folder = path.join(workspace, 'votes');
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, `${name}.jsonl`);
      await writeFile(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      const { report, record } = await importDataset(workspace, file, { name, kind: 'preference' });
      if (!record) throw new InputError(`the votes did not import: ${report.problems[0]?.message ?? 'no valid rows'}`);
      return { dataset: datasetSummary(record), pairs: rows.length, leftOut: votes.length - rows.length };
    },
  };
  return handlers;
}
