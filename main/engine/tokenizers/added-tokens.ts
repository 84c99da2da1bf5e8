/** An entry of tokenizer.json's `added_tokens` for a special token (BOS, EOS, pad…), matched verbatim. */
export function specialAddedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}
