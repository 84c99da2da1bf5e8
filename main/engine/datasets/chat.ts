/**
 * Conversations as text: through the tokenizer's chat template when it has one (HF tokenizers with `chat_template`),
 * else through a plain format, the one hh-rlhf uses, with each message as "\n\n" + capitalised role + ": " + content:
 *
 *     "\n\nUser: How do I boil an egg?\n\nAssistant: Put it in boiling water for eight minutes."
 *
 * and "\n\nAssistant:" as the generation prompt, so a completion's text starts with " " and its content.
 */
import { InputError } from '../errors';
import type { ChatTemplateOptions } from '../tokenizers/hf';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { Message } from './types';

export interface ChatTemplating {
  readonly hasChatTemplate: boolean;
  applyChatTemplate(messages: Message[], options: ChatTemplateOptions): string;
}

/** The tokenizer's chat template, when it has one (llama2.c tokenizers never do). */
export function chatTemplating(tokenizer: Tokenizer): ChatTemplating | undefined {
  const candidate = tokenizer as Partial<ChatTemplating>;
  if (candidate.hasChatTemplate !== true || typeof candidate.applyChatTemplate !== 'function') return undefined;
  return candidate as ChatTemplating;
}

function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

export function plainChat(messages: Message[], addGenerationPrompt: boolean): string {
  const turns = messages.map((message) => `\n\n${roleLabel(message.role)}: ${message.content}`).join('');
  return addGenerationPrompt ? `${turns}\n\nAssistant:` : turns;
}

export function renderChat(tokenizer: Tokenizer, messages: Message[], addGenerationPrompt: boolean): string {
  const templating = chatTemplating(tokenizer);
  return templating
    ? templating.applyChatTemplate(messages, { addGenerationPrompt })
    : plainChat(messages, addGenerationPrompt);
}

/**
 * The prompt's text (ending with the generation prompt) and the completion's: the rest of the whole conversation's
 * text. A template that renders the prompt differently when a reply follows cannot be split, and says so.
 */
export function splitChat(
  tokenizer: Tokenizer,
  prompt: Message[],
  completion: Message[],
): { promptText: string; completionText: string } {
  const promptText = renderChat(tokenizer, prompt, true);
  const fullText = renderChat(tokenizer, [...prompt, ...completion], false);
  if (!fullText.startsWith(promptText)) {
    throw new InputError(
      'the chat template renders the prompt differently when the completion follows, so the prompt cannot be masked',
    );
  }
  return { promptText, completionText: fullText.slice(promptText.length) };
}
