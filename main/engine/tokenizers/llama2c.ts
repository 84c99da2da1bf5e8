/**
 * llama2.c `tokenizer.bin`: the reader, and SentencePiece-BPE encoding/decoding done exactly as llama2.c's run.c does
 * it, so a llama2.c model fed by this tokenizer reproduces llama2.c's output token for token.
 *
 * Layout: int32 max_token_length, then per token: float32 score, int32 byte length, the piece's bytes. The vocab size
 * is not stored; pieces already have SentencePiece's '▁' replaced by a space; ids 3..258 are '<0x00>'..'<0xFF>'.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors';
import type { EncodeOptions, Tokenizer } from './tokenizer';

const UNK_ID = 0;
const BOS_ID = 1;
const EOS_ID = 2;
/** Byte-fallback token of byte b is b + BYTE_OFFSET. */
const BYTE_OFFSET = 3;
const MIN_VOCAB = BYTE_OFFSET + 256;
/** Real pieces are a few dozen bytes; a length past this means the file is not a tokenizer.bin. */
const MAX_PIECE_BYTES = 1 << 16;
/** llama2.c starts its best-score search at -1e10, so a pair scoring at or below it never merges. */
const NEVER_MERGES = -1e10;

/** Pieces are kept as binary strings (one char per byte): concatenation and Map lookup then compare bytes, as C does. */
function binaryString(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function binaryBytes(piece: string): Uint8Array {
  return Uint8Array.from(piece, (char) => char.charCodeAt(0));
}

interface Vocab {
  maxTokenLength: number;
  pieces: string[];
  scores: number[];
}

function readVocab(bytes: Uint8Array, file: string): Vocab {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new InputError('truncated tokenizer.bin: no max_token_length header', file);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength < 0 || maxTokenLength > MAX_PIECE_BYTES) {
    throw new InputError(`tokenizer.bin max_token_length ${maxTokenLength} is not a plausible piece length`, file);
  }
  const pieces: string[] = [];
  const scores: number[] = [];
  let offset = 4;
  while (offset < bytes.byteLength) {
    const id = pieces.length;
    if (offset + 8 > bytes.byteLength) {
      throw new InputError(`truncated tokenizer.bin: file ends inside token ${id}`, file);
    }
    const score = view.getFloat32(offset, true);
    const length = view.getInt32(offset + 4, true);
    if (length < 0 || length > MAX_PIECE_BYTES) {
      throw new InputError(`tokenizer.bin token ${id} has an impossible length ${length}`, file);
    }
    offset += 8;
    if (offset + length > bytes.byteLength) {
      throw new InputError(`truncated tokenizer.bin: token ${id} needs ${length} bytes, the file ends sooner`, file);
    }
    pieces.push(binaryString(bytes.subarray(offset, offset + length)));
    scores.push(score);
    offset += length;
  }
  return { maxTokenLength, pieces, scores };
}

function byteHex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Encoding relies on byte b being id b + 3 and on a lone-space piece for the dummy prefix: check both up front. */
function checkVocab(vocab: Vocab, file: string, vocabSize: number | undefined): void {
  const count = vocab.pieces.length;
  if (vocabSize !== undefined && count !== vocabSize) {
    const relation = count < vocabSize ? 'fewer' : 'more';
    throw new InputError(
      `tokenizer.bin has ${count} tokens, ${relation} than the model's vocab_size ${vocabSize}`,
      file,
    );
  }
  if (count < MIN_VOCAB) {
    throw new InputError(`tokenizer.bin has ${count} tokens; a llama2.c tokenizer has at least ${MIN_VOCAB}`, file);
  }
  for (let byte = 0; byte < 256; byte++) {
    const expected = `<0x${byteHex(byte)}>`;
    if (vocab.pieces[byte + BYTE_OFFSET] !== expected) {
      throw new InputError(`tokenizer.bin token ${byte + BYTE_OFFSET} should be the byte piece ${expected}`, file);
    }
  }
  if (!vocab.pieces.includes(' ')) throw new InputError('tokenizer.bin has no " " piece for the dummy prefix', file);
}

export function parseLlama2cTokenizer(bytes: Uint8Array, file: string, vocabSize?: number): Llama2cTokenizer {
  const vocab = readVocab(bytes, file);
  checkVocab(vocab, file, vocabSize);
  return new Llama2cTokenizer(vocab.pieces, vocab.scores, vocab.maxTokenLength);
}

export async function readLlama2cTokenizer(path: string, vocabSize?: number): Promise<Llama2cTokenizer> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`cannot read tokenizer.bin: ${(error as Error).message}`, path);
  }
  return parseLlama2cTokenizer(bytes, path, vocabSize);
}

/** Memoised pair lookups stay under this many entries; past it the memo starts over. */
const MEMO_LIMIT = 1 << 20;

/** Which id two adjacent tokens merge into (-1 for none), memoised by id pair so long texts skip the string work. */
class PairTable {
  private readonly memo = new Map<number, number>();

  constructor(
    private readonly pieces: readonly string[],
    readonly scores: Float64Array,
    private readonly idOf: ReadonlyMap<string, number>,
  ) {}

  merged(left: number, right: number): number {
    const key = left * this.pieces.length + right;
    let merged = this.memo.get(key);
    if (merged === undefined) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      const found = this.idOf.get((this.pieces[left] as string) + this.pieces[right]);
      merged = found !== undefined && (this.scores[found] as number) > NEVER_MERGES ? found : -1;
      this.memo.set(key, merged);
    }
    return merged;
  }
}

/**
 * Merge candidates (left node, merged id), best first: llama2.c takes the highest score and, on a tie, the leftmost
 * pair; node indices keep sequence order, so the tie goes to the smaller left node.
 */
class CandidateHeap {
  private readonly lefts: Int32Array;
  private readonly merges: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    private readonly scores: Float64Array,
  ) {
    this.lefts = new Int32Array(capacity);
    this.merges = new Int32Array(capacity);
  }

  get topLeft(): number {
    return this.lefts[0] as number;
  }

  get topMerged(): number {
    return this.merges[0] as number;
  }

  push(left: number, merged: number): void {
    let child = this.size++;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.beats(left, merged, this.leftAt(parent), this.mergedAt(parent))) break;
      this.move(parent, child);
      child = parent;
    }
    this.lefts[child] = left;
    this.merges[child] = merged;
  }

  removeTop(): void {
    const last = --this.size;
    const left = this.leftAt(last);
    const merged = this.mergedAt(last);
    let parent = 0;
    for (let child = 1; child < last; child = 2 * parent + 1) {
      const sibling = child + 1;
      if (
        sibling < last &&
        this.beats(this.leftAt(sibling), this.mergedAt(sibling), this.leftAt(child), this.mergedAt(child))
      ) {
        child = sibling;
      }
      if (!this.beats(this.leftAt(child), this.mergedAt(child), left, merged)) break;
      this.move(child, parent);
      parent = child;
    }
    this.lefts[parent] = left;
    this.merges[parent] = merged;
  }

  private beats(left: number, merged: number, otherLeft: number, otherMerged: number): boolean {
    const score = this.scores[merged] as number;
    const other = this.scores[otherMerged] as number;
    return score > other || (score === other && left < otherLeft);
  }

  private leftAt(slot: number): number {
    return this.lefts[slot] as number;
  }

  private mergedAt(slot: number): number {
    return this.merges[slot] as number;
  }

  private move(from: number, to: number): void {
    this.lefts[to] = this.leftAt(from);
    this.merges[to] = this.mergedAt(from);
  }
}

/**
 * llama2.c's merge loop (rescan the whole sequence, merge the best pair, repeat) is quadratic; this makes the same
 * merges in the same order with a heap over a linked list: a merge changes only the two pairs that touch it.
 */
function mergePairs(tokens: number[], table: PairTable): number[] {
  const n = tokens.length;
  const ids = Int32Array.from(tokens);
  const next = Int32Array.from(tokens, (_, i) => i + 1);
  const prev = Int32Array.from(tokens, (_, i) => i - 1);
  // Each merge queues at most two pairs, so n - 1 initial pairs plus 2 per merge fit in 3n.
  const heap = new CandidateHeap(3 * n, table.scores);
  const queuePair = (left: number) => {
    const right = next[left] as number;
    if (left < 0 || right >= n) return;
    const merged = table.merged(ids[left] as number, ids[right] as number);
    if (merged >= 0) heap.push(left, merged);
  };
  for (let i = 0; i + 1 < n; i++) queuePair(i);
  while (heap.size > 0) {
    const left = heap.topLeft;
    const merged = heap.topMerged;
    heap.removeTop();
    const right = next[left] as number;
    // Stale: left was absorbed by its neighbour, or its pair now merges into something else (queued on its own).
    if (ids[left] === -1 || right >= n || table.merged(ids[left] as number, ids[right] as number) !== merged) continue;
    ids[left] = merged;
    ids[right] = -1;
    const after = next[right] as number;
    next[left] = after;
    if (after < n) prev[after] = left;
    queuePair(prev[left] as number);
    queuePair(left);
  }
  const result: number[] = [];
  for (let i = 0; i < n; i = next[i] as number) result.push(ids[i] as number);
  return result;
}

export class Llama2cTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId = BOS_ID;
  readonly eosId = EOS_ID;
  readonly stopIds = [EOS_ID, BOS_ID];
  private readonly idOf = new Map<string, number>();
  private readonly pairs: PairTable;
  /** What each id contributes to decoded text: nothing for specials, the raw byte for '<0xXX>'. */
  private readonly textBytes: Uint8Array[];
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly utf8Encoder = new TextEncoder();
  /** Each character's initial tokens, looked up once: a text repeats few distinct characters. */
  private readonly charTokens = new Map<string, number[]>();

  constructor(
    private readonly pieces: readonly string[],
    scores: readonly number[],
    readonly maxTokenLength: number,
  ) {
    this.vocabSize = pieces.length;
    this.pairs = new PairTable(pieces, Float64Array.from(scores), this.idOf);
    // First id wins on a duplicate piece; llama2.c's bsearch over sorted pieces would pick one of them arbitrarily.
    pieces.forEach((piece, id) => {
      if (!this.idOf.has(piece)) this.idOf.set(piece, id);
    });
    this.textBytes = pieces.map((piece, id) => {
      if (id === UNK_ID || id === BOS_ID || id === EOS_ID) return new Uint8Array(0);
      if (id < MIN_VOCAB) return Uint8Array.of(id - BYTE_OFFSET);
      return binaryBytes(piece);
    });
  }

  /** The piece of an id as text (for display and debugging); byte pieces read '<0xXX>'. */
  piece(id: number): string {
    const piece = this.pieces[id];
    if (piece === undefined) throw this.outside(id);
    return this.utf8.decode(binaryBytes(piece));
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    // No spread into push: a long text has more tokens than a call may take arguments.
    const ids = text.length > 0 ? this.mergedTokens(text) : [];
    if (options.addBos) ids.unshift(BOS_ID);
    if (options.addEos) ids.push(EOS_ID);
    return ids;
  }

  decode(ids: number[]): string {
    const parts: Uint8Array[] = [];
    let previous = -1;
    for (const id of ids) {
      const piece = this.pieces[id];
      if (piece === undefined) throw this.outside(id);
      const bytes = this.textBytes[id] as Uint8Array;
      // SentencePiece drops the leading space of the piece after BOS: that space is the encoder's dummy prefix.
      parts.push(previous === BOS_ID && piece.startsWith(' ') ? bytes.subarray(1) : bytes);
      previous = id;
    }
    const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.length;
    }
    return this.utf8.decode(all);
  }

  private outside(id: number): RangeError {
    return new RangeError(`token id ${id} is outside the vocabulary 0..${this.vocabSize - 1}`);
  }

  /** Dummy-prefix space, one token per character (its UTF-8 bytes when it has no piece), then BPE merges. */
  private mergedTokens(text: string): number[] {
    const tokens = [this.idOf.get(' ') as number];
    // Code points, as llama2.c's walk over UTF-8 gives; a lone surrogate encodes as U+FFFD, as TextEncoder does.
    for (const char of text) {
      let charTokens = this.charTokens.get(char);
      if (charTokens === undefined) {
        const bytes = this.utf8Encoder.encode(char);
        const id = this.idOf.get(binaryString(bytes));
        charTokens = id === undefined ? Array.from(bytes, (byte) => byte + BYTE_OFFSET) : [id];
        this.charTokens.set(char, charTokens);
      }
      for (const id of charTokens) tokens.push(id);
    }
    return mergePairs(tokens, this.pairs);
  }
}
