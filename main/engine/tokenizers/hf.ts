/** Hugging Face tokenizers: `tokenizer.json` through @huggingface/tokenizers, chat templates through @huggingface/jinja. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { InputError } from '../errors';
import { gpt2TokenizerConfig, gpt2TokenizerJson } from './gpt2-bpe';
import type { EncodeOptions, Tokenizer } from './tokenizer';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatTemplateOptions {
  /** End with the opening of an assistant turn, so that generation continues as the assistant. */
  addGenerationPrompt: boolean;
}

type Json = Record<string, unknown>;

// Used only when tokenizer_config.json does not name the token, and only if the vocabulary marks it special.
const BOS_NAMES = ['<s>', '<|begin_of_text|>', '<bos>', '<|startoftext|>'];
// Chat models end a turn with a token other than their EOS (Llama 3's <|eot_id|>, ChatML's <|im_end|>), and some
// configs name only one of the two: stopping on every known end marker keeps generation from running on.
const END_NAMES = ['</s>', '<|endoftext|>', '<|end_of_text|>', '<|eot_id|>', '<|eom_id|>', '<|im_end|>', '<|end|>'];

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  readonly stopIds: number[];
  private readonly specialTokens: Record<string, string>;
  private readonly templateSource: string | undefined;
  private template: Template | undefined;
  // Default off (transformers' current default): tidying " ." into "." breaks round trips and streamed text.
  private readonly cleanUpSpaces: boolean;

  constructor(
    private readonly library: LibraryTokenizer,
    config: Json,
    private readonly configFile: string,
  ) {
    this.vocabSize = library.model?.vocab.length ?? 0;
    this.specialTokens = specialTokenStrings(config);
    const special = specialIds(library);
    this.bosId = this.tokenId(this.specialTokens.bos_token, 'bos_token') ?? firstKnown(special, BOS_NAMES);
    this.eosId = this.tokenId(this.specialTokens.eos_token, 'eos_token');
    const ends = END_NAMES.map((name) => special.get(name)).filter((id) => id !== undefined);
    this.stopIds = [...new Set([...(this.eosId === undefined ? [] : [this.eosId]), ...ends])];
    this.templateSource = chatTemplateSource(config.chat_template);
    this.cleanUpSpaces = config.clean_up_tokenization_spaces === true;
  }

  get hasChatTemplate(): boolean {
    return this.templateSource !== undefined;
  }

  /** BOS/EOS are added here, not by the file's post-processor, so that each appears once whatever the file says. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids = this.library.encode(text, { add_special_tokens: false }).ids;
    // Text rendered from a chat template often starts with the BOS string already.
    const head = options.addBos && this.bosId !== undefined && ids[0] !== this.bosId ? [this.bosId] : [];
    const tail = options.addEos && this.eosId !== undefined && ids.at(-1) !== this.eosId ? [this.eosId] : [];
    return [...head, ...ids, ...tail];
  }

  /** Ids past the vocabulary (models pad their embeddings, GPT-2 to 50304) carry no text and are left out. */
  decode(ids: number[]): string {
    const known = ids.filter((id) => id >= 0 && id < this.vocabSize);
    if (known.length === 0) return '';
    return this.library.decode(known, { skip_special_tokens: true, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  applyChatTemplate(messages: ChatMessage[], options: ChatTemplateOptions): string {
    const template = this.parsedTemplate();
    try {
      // The library declares raise_exception itself (a second declaration is an error); it throws the message.
      return template.render({
        ...this.specialTokens,
        messages: messages.map(({ role, content }) => ({ role, content })),
        add_generation_prompt: options.addGenerationPrompt,
      });
    } catch (error) {
      throw new InputError(`chat template failed: ${messageOf(error)}`, this.configFile);
    }
  }

  private parsedTemplate(): Template {
    if (this.templateSource === undefined) {
      throw new InputError('has no chat_template', this.configFile);
    }
    if (this.template === undefined) {
      try {
        this.template = new Template(this.templateSource);
      } catch (error) {
        throw new InputError(`chat template does not parse: ${messageOf(error)}`, this.configFile);
      }
    }
    return this.template;
  }

  private tokenId(token: string | undefined, field: string): number | undefined {
    if (token === undefined) return undefined;
    const id = this.library.token_to_id(token);
    if (id === undefined) {
      throw new InputError(`${field} ${JSON.stringify(token)} is not in the tokenizer's vocabulary`, this.configFile);
    }
    return id;
  }
}

/** tokenizer_config.json writes special tokens as strings or as {content, lstrip, …} objects. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as Json).content === 'string') {
    return (value as Json).content as string;
  }
  return undefined;
}

function specialTokenStrings(config: Json): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const field of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const content = tokenContent(config[field]);
    if (content !== undefined) tokens[field] = content;
  }
  return tokens;
}

function specialIds(library: LibraryTokenizer): Map<string, number> {
  const ids = new Map<string, number>();
  for (const [id, token] of library.get_added_tokens_decoder()) {
    if (token.special) ids.set(token.content, id);
  }
  return ids;
}

function firstKnown(ids: Map<string, number>, names: string[]): number | undefined {
  return names.map((name) => ids.get(name)).find((id) => id !== undefined);
}

/** A string, or (older multi-template configs) a list of {name, template} of which "default" is the chat one. */
function chatTemplateSource(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((entry) => entry?.name === 'default');
  return typeof named?.template === 'string' ? named.template : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(value: unknown, what: string, file: string): Json {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch (error) {
      throw new InputError(`${what} is not JSON: ${messageOf(error)}`, file);
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${what} must hold a JSON object`, file);
  }
  return json as Json;
}

/**
 * `tokenizerJson` and `tokenizerConfig` are parsed objects or the files' text; `file` is the tokenizer.json path that
 * errors name (errors about the config name tokenizer_config.json beside it).
 */
export function createHfTokenizer(
  tokenizerJson: unknown,
  tokenizerConfig: unknown | undefined,
  file: string,
): HfTokenizer {
  const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
  const json = parseJson(tokenizerJson, 'tokenizer.json', file);
  const config = tokenizerConfig === undefined ? {} : parseJson(tokenizerConfig, 'tokenizer_config.json', configFile);
  // The Rust library treats absent components as none; this library insists that each key be present.
  const complete = { added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null };
  let library: LibraryTokenizer;
  try {
    library = new LibraryTokenizer({ ...complete, ...json }, { ...config, ...specialTokenStrings(config) });
  } catch (error) {
    throw new InputError(`tokenizer.json cannot be loaded: ${messageOf(error)}`, file);
  }
  return new HfTokenizer(library, config, configFile);
}

/** Reads tokenizer.json (or GPT-2's original encoder.json + vocab.bpe) and tokenizer_config.json when present. */
export async function readHfTokenizer(folder: string): Promise<HfTokenizer> {
  const file = path.join(folder, 'tokenizer.json');
  const configText = await readOptional(path.join(folder, 'tokenizer_config.json'));
  const text = await readOptional(file);
  if (text !== undefined) return createHfTokenizer(text, configText, file);
  const encoderFile = path.join(folder, 'encoder.json');
  const encoderText = await readOptional(encoderFile);
  const vocabBpe = await readOptional(path.join(folder, 'vocab.bpe'));
  if (encoderText === undefined || vocabBpe === undefined) {
    throw new InputError('has neither tokenizer.json nor encoder.json + vocab.bpe', folder);
  }
  const encoder = parseJson(encoderText, 'encoder.json', encoderFile) as Record<string, number>;
  return createHfTokenizer(gpt2Json(encoder, vocabBpe, folder), configText ?? gpt2TokenizerConfig(), encoderFile);
}

/** The converter names only the file's base name; say which folder it was in. */
function gpt2Json(encoder: Record<string, number>, vocabBpe: string, folder: string): object {
  try {
    return gpt2TokenizerJson(encoder, vocabBpe);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.message, folder);
    throw error;
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
