/** What every tokenizer gives the engine, whatever its file format (llama2.c tokenizer.bin, HF tokenizer.json). */
export interface EncodeOptions {
  /** Prepend the beginning-of-sequence token, when the tokenizer has one. */
  addBos?: boolean;
  /** Append the end-of-sequence token, when the tokenizer has one. */
  addEos?: boolean;
}

export interface Tokenizer {
  /** Number of token ids, special tokens included. */
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  /** Tokens that end a generation (EOS, and BOS for llama2.c models, which emit BOS between stories). */
  readonly stopIds: number[];
  encode(text: string, options?: EncodeOptions): number[];
  /** Decodes ids to text; special tokens (BOS/EOS/pad) are left out. */
  decode(ids: number[]): string;
}

/**
 * Streams text while tokens arrive: each push returns the new complete text. A token that ends inside a multi-byte
 * character decodes to U+FFFD, so that tail is held back until the next token completes it.
 */
export class TextStreamer {
  private readonly ids: number[];
  private emitted: string;

  /**
   * `contextIds` (e.g. the prompt) are decoded first but not emitted, so that a token's text is what it adds after
   * them: after BOS a leading space is dropped, after a word it is kept.
   */
  constructor(
    private readonly tokenizer: Pick<Tokenizer, 'decode'>,
    contextIds: number[] = [],
  ) {
    this.ids = [...contextIds];
    this.emitted = contextIds.length > 0 ? tokenizer.decode(this.ids) : '';
  }

  push(id: number): string {
    this.ids.push(id);
    const text = this.tokenizer.decode(this.ids);
    let end = text.length;
    while (end > this.emitted.length && text[end - 1] === '\uFFFD') end--;
    const fresh = text.slice(this.emitted.length, end);
    this.emitted = text.slice(0, end);
    return fresh;
  }

  /** The rest, replacement characters included, at the end of generation. */
  flush(): string {
    const text = this.tokenizer.decode(this.ids);
    const rest = text.slice(this.emitted.length);
    this.emitted = text;
    return rest;
  }
}
