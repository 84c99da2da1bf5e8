/** `awb generate MODEL`: streams the generated text (only that) to stdout; --json prints one summary object. */
import { Engine } from '../../engine/engine';
import { createDecoder, DECODER_PATHS, type DecoderPath } from '../../engine/generation/decoders';
import { generateTokens } from '../../engine/generation/generate';
import { loadModel } from '../../engine/models/store';
import { TextStreamer } from '../../engine/tokenizers/tokenizer';
import { type CliContext, type CliValues, type Command, UsageError } from '../context';

function number(values: Record<string, unknown>, key: string, fallback: number, check: (n: number) => boolean): number {
  const raw = values[key];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new UsageError(`--${key} has an invalid value: ${raw}`);
  return value;
}

function parseOptions(values: CliValues) {
  const path = (values.path ?? 'tfjs') as DecoderPath;
  if (!DECODER_PATHS.includes(path))
    throw new UsageError(`--path must be one of ${DECODER_PATHS.join(', ')}, got ${path}`);
  return {
    path,
    prompt: (values.prompt as string | undefined) ?? '',
    maxNewTokens: number(values, 'max-new-tokens', 256, (n) => Number.isInteger(n) && n > 0),
    temperature: number(values, 'temperature', 1, (n) => n >= 0),
    topP: number(values, 'top-p', 1, (n) => n > 0 && n <= 1),
    topK: number(values, 'top-k', 0, (n) => Number.isInteger(n) && n >= 0),
    seed: number(values, 'seed', Date.now() % 2 ** 31, Number.isInteger),
  };
}

export const generateCommand: Command = {
  summary: 'generate text with a model (tfjs or ONNX path), streamed',
  usage:
    'awb generate MODEL [--prompt TEXT] [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] [--seed S] [--path tfjs|onnx]',
  options: Object.fromEntries(
    ['prompt', 'max-new-tokens', 'temperature', 'top-p', 'top-k', 'seed', 'path'].map((k) => [
      k,
      { type: 'string' as const },
    ]),
  ),
  async run(ctx: CliContext, values, positionals) {
    const name = positionals[0];
    if (!name) throw new UsageError(`usage: ${this.usage}`);
    const options = parseOptions(values);
    await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
    const { model, tokenizer } = await loadModel(ctx.workspace, name);
    const promptIds = [
      ...(tokenizer.bosId !== undefined ? [tokenizer.bosId] : []),
      ...tokenizer.encode(options.prompt),
    ];
    const decoder = await createDecoder(options.path, model);
    const streamer = new TextStreamer(tokenizer, promptIds);
    const started = performance.now();
    const ids: number[] = [];
    let text = '';
    for await (const id of generateTokens(decoder, promptIds, { ...options, stopIds: tokenizer.stopIds })) {
      ids.push(id);
      const fresh = streamer.push(id);
      text += fresh;
      if (!ctx.json) process.stdout.write(fresh);
    }
    text += streamer.flush();
    const seconds = (performance.now() - started) / 1000;
    decoder.dispose();
    if (ctx.json)
      ctx.out(
        JSON.stringify({ text, tokens: ids.length, tokens_per_second: ids.length / seconds, path: options.path }),
      );
    else ctx.out('');
    return 0;
  },
};
