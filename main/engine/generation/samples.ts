/** Sample answers to a few prompts, generated greedily: what a dashboard shows while a run trains. */
import type { CausalLM } from '../models/model';
import { TextStreamer, type Tokenizer } from '../tokenizers/tokenizer';
import { generateAll } from './generate';
import { TfjsDecoder } from './tfjs-decoder';

export async function sampleCompletions(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: number[][],
  maxNewTokens = 48,
): Promise<string[]> {
  const decoder = new TfjsDecoder(model);
  const completions: string[] = [];
  for (const prompt of prompts) {
    decoder.reset();
    const room = Math.max(0, model.config.maxPositions - prompt.length);
    const ids = await generateAll(decoder, prompt, {
      temperature: 0,
      maxNewTokens: Math.min(maxNewTokens, room),
      stopIds: tokenizer.stopIds,
    });
    const streamer = new TextStreamer(tokenizer, prompt);
    completions.push(ids.map((id) => streamer.push(id)).join('') + streamer.flush());
  }
  decoder.dispose();
  return completions;
}
