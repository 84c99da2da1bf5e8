/** A conversation as token ids for generation. */
import { renderChat } from '../datasets/chat';
import { keepEnd } from '../datasets/tokenize';
import type { Message } from '../datasets/types';
import type { Tokenizer } from '../tokenizers/tokenizer';

/** The prompt's ids as the model was trained to see them: the chat template, BOS, and room left for the answer. */
export function chatPromptIds(tokenizer: Tokenizer, messages: Message[], room: number): number[] {
  const ids = tokenizer.encode(renderChat(tokenizer, messages, true), { addBos: true });
  return ids.length > room ? keepEnd(ids, room, tokenizer.bosId) : ids;
}
