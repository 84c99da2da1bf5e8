/** `awb models` and `awb generate` as a user runs them, on the real stories260K model and on bad files. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { awb } from '../helpers/cli';
import { STORIES260K, STORIES260K_REFERENCE, STORIES260K_TOKENIZER } from '../helpers/data';
import { requireBuild, tempDir } from '../helpers/paths';

describe('stories260K through the CLI', () => {
  const workspace = tempDir('cli-models');
  beforeAll(() => {
    requireBuild();
    const result = awb([
      '--workspace',
      workspace,
      'models',
      'import',
      STORIES260K,
      '--tokenizer',
      STORIES260K_TOKENIZER,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('lists the imported model with its source, from the workspace copy', () => {
    const { models } = JSON.parse(awb(['--workspace', workspace, 'models', 'list', '--json']).stdout);
    expect(models).toMatchObject([
      { name: 'stories260K', architecture: 'llama', parameters: 260032, tokenizer: 'llama2c' },
    ]);
    expect(existsSync(path.join(workspace, 'models', 'stories260K', 'model.safetensors'))).toBe(true);
    expect(existsSync(path.join(workspace, 'models', 'stories260K', 'tokenizer.bin'))).toBe(true);
  });

  it.each([
    ['tfjs', 'wasm'],
    ['tfjs', 'cpu'],
    ['onnx', 'wasm'],
    ['onnx', 'cpu'],
  ])('greedy generation on the %s path (%s backend) begins with the reference text', (generationPath, backend) => {
    const result = awb(
      [
        '--workspace',
        workspace,
        'generate',
        'stories260K',
        '--temperature',
        '0',
        '--max-new-tokens',
        '256',
        '--path',
        generationPath,
      ],
      { AWB_BACKEND: backend },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith(STORIES260K_REFERENCE)).toBe(true);
  });

  it('--json reports text, token count, speed and path; the same seed gives the same text', () => {
    const args = ['--workspace', workspace, 'generate', 'stories260K', '--prompt', 'Once upon a time'];
    const run = () => JSON.parse(awb([...args, '--max-new-tokens', '20', '--seed', '7', '--json']).stdout);
    const report = run();
    expect(report).toMatchObject({ tokens: expect.any(Number), path: 'tfjs' });
    expect(report.tokens).toBeGreaterThan(0);
    expect(report.tokens).toBeLessThanOrEqual(20);
    expect(report.tokens_per_second).toBeGreaterThan(0);
    expect(run().text).toBe(report.text);
  });

  it('exports an ONNX graph beside the config and tokenizer', () => {
    const out = path.join(tempDir('onnx-out'), 'stories');
    const result = awb(['--workspace', workspace, 'models', 'export', 'stories260K', '--format', 'onnx', '--out', out]);
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(out, 'model.onnx')).length).toBeGreaterThan(260032 * 4);
    expect(existsSync(path.join(out, 'tokenizer.bin'))).toBe(true);
  });

  it('refuses a second model of the same name and an unknown model', () => {
    const again = awb([
      '--workspace',
      workspace,
      'models',
      'import',
      STORIES260K,
      '--tokenizer',
      STORIES260K_TOKENIZER,
    ]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('a model named "stories260K" already exists');
    const missing = awb(['--workspace', workspace, 'generate', 'nope']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no model named "nope"');
  });
});

describe('bad model files exit 2 with the problem named and write nothing', () => {
  function rejected(args: string[], message: string | RegExp) {
    const workspace = path.join(tempDir('cli-bad'), 'ws');
    const result = awb(['--workspace', workspace, 'models', 'import', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(workspace)).toBe(false);
  }

  function copyOf(bytes: Uint8Array, name: string): string {
    const file = path.join(tempDir('cli-bad-file'), name);
    writeFileSync(file, bytes);
    return file;
  }

  const original = readFileSync(STORIES260K);

  it('a truncated .bin', () => {
    rejected(
      [copyOf(original.subarray(0, 100_000), 'cut.bin'), '--tokenizer', STORIES260K_TOKENIZER],
      /cut\.bin: the header .* needs 1056540 bytes but the file has 100000 \(truncated\?\)/,
    );
    rejected(
      [copyOf(original.subarray(0, 12), 'tiny.bin'), '--tokenizer', STORIES260K_TOKENIZER],
      /tiny\.bin: truncated/,
    );
  });

  it('a header whose sizes do not match the file', () => {
    const wrong = Buffer.from(original);
    wrong.writeInt32LE(6, 8); // six layers instead of five
    rejected(
      [copyOf(wrong, 'six-layers.bin'), '--tokenizer', STORIES260K_TOKENIZER],
      /6 layers.* but the file has 1056540/,
    );
  });

  it('a tokenizer that does not match the vocabulary size', () => {
    const tokenizer = readFileSync(STORIES260K_TOKENIZER);
    rejected(
      [STORIES260K, '--tokenizer', copyOf(tokenizer.subarray(0, Math.floor(tokenizer.length * 0.6)), 'short.bin')],
      /short\.bin: /,
    );
    rejected([STORIES260K], 'needs its tokenizer: pass --tokenizer');
  });

  it('a safetensors file whose header length overruns the file, or an unknown model_type', async () => {
    const { writeTinyHfFolder } = await import('../helpers/tiny-models');
    const { folder } = await writeTinyHfFolder('llama');
    const weights = path.join(folder, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes.writeBigUInt64LE(BigInt(bytes.length * 2), 0);
    writeFileSync(weights, bytes);
    rejected([folder], /model\.safetensors: .*header/i);
    const other = (await writeTinyHfFolder('gpt2')).folder;
    const config = JSON.parse(readFileSync(path.join(other, 'config.json'), 'utf8'));
    writeFileSync(path.join(other, 'config.json'), JSON.stringify({ ...config, model_type: 'bert' }));
    rejected([other], 'unknown model_type "bert"; supported: llama, mistral, qwen2, gpt2');
  });

  it('a file that does not exist', () => {
    rejected(['/no/such/model.bin'], '/no/such/model.bin: no such file or folder');
  });
});
