/** Word-level views of a reply that the oracle's rules read. */

/** Lower-case words and numbers; punctuation only separates them. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

export function numbersOf(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** Whether `phrase` (one or more words) occurs in `words` as whole words. */
export function hasPhrase(words: readonly string[], phrase: string): boolean {
  return ` ${words.join(' ')} `.includes(` ${phrase} `);
}

export function phrasesIn(words: readonly string[], phrases: readonly string[]): string[] {
  return phrases.filter((phrase) => hasPhrase(words, phrase));
}

/** The first three-word phrase that occurs twice (overlaps count: "no no no no" repeats "no no no"). */
export function repeatedTrigram(words: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) {
    const trigram = words.slice(i, i + 3).join(' ');
    if (seen.has(trigram)) return trigram;
    seen.add(trigram);
  }
  return undefined;
}
