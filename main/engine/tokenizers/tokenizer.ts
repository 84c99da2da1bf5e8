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
 *
 * Each push decodes a short window, not the whole sequence (which made streaming quadratic in its length): the text
 * a token adds is decode(window + token) minus decode(window), where the window starts at the tokens already emitted
 * before the last emission, so a token whose text depends on its predecessor (a leading space after BOS, bytes of one
 * character) sees the same neighbours as in a full decode.
 */
export class TextStreamer {
  private readonly ids: number[];
  /** ids[windowStart..emittedEnd) decode to text already emitted; ids[emittedEnd..] are held back. */
  private windowStart: number;
  private emittedEnd: number;

  /**
   * `contextIds` (e.g. the prompt) are decoded first but not emitted, so that a token's text is what it adds after
   * them: after BOS a leading space is dropped, after a word it is kept.
   */
  constructor(
    private readonly tokenizer: Pick<Tokenizer, 'decode'>,
    contextIds: number[] = [],
  ) {
    this.ids = [...contextIds];
    this.windowStart = Math.max(0, contextIds.length - TextStreamer.CONTEXT);
    this.emittedEnd = contextIds.length;
  }

  /** Context tokens kept before the window: enough for a multi-byte character or a special-token rule. */
  private static readonly CONTEXT = 4;

  push(id: number): string {
    this.ids.push(id);
    const fresh = this.pending();
    if (fresh.length === 0 || fresh.endsWith('\uFFFD')) return '';
    this.windowStart = Math.max(this.windowStart, this.emittedEnd - TextStreamer.CONTEXT);
    this.emittedEnd = this.ids.length;
    return fresh;
  }

  /** The rest, replacement characters included, at the end of generation. */
  flush(): string {
    const rest = this.pending();
    this.emittedEnd = this.ids.length;
    return rest;
  }

  /** Text of the held-back tokens, as they decode after the window's context. */
  private pending(): string {
    const before = this.tokenizer.decode(this.ids.slice(this.windowStart, this.emittedEnd));
    const after = this.tokenizer.decode(this.ids.slice(this.windowStart));
    return after.startsWith(before) ? after.slice(before.length) : after.slice(Math.min(before.length, after.length));
  }
}
