/**
 * The demo's chat format: one turn is `User: <question>\nBot: <reply>\n`. A prompt stops after `Bot:` and a completion
 * starts with the space, so that prompt + completion is the conversation and a chat template that renders
 * `add_generation_prompt` gives the same prompt. The trainer ends each sequence with EOS (`</s>`), which is what stops
 * generation; the newline before it is part of the reply's turn.
 */

/** No conversation the generator writes is longer, so models can be trained with a context of this many tokens. */
export const DEMO_MAX_CHARS = 128;

export const USER_TAG = 'User: ';
export const BOT_TAG = 'Bot:';

export function formatPrompt(question: string): string {
  return `${USER_TAG}${question}\n${BOT_TAG}`;
}

export function formatCompletion(reply: string): string {
  return ` ${reply}\n`;
}

export function formatConversation(question: string, reply: string): string {
  return formatPrompt(question) + formatCompletion(reply);
}

/** The question inside a formatted prompt; a bare question is returned as it is. */
export function questionOf(prompt: string): string {
  let question = prompt.trim();
  if (question.startsWith(USER_TAG.trim())) question = question.slice(USER_TAG.trim().length);
  if (question.endsWith(BOT_TAG)) question = question.slice(0, -BOT_TAG.length);
  return question.trim();
}
