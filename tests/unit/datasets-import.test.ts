/** Importing datasets into a workspace: the real hh-rlhf and self-instruct files, bad data, storage and loading. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalogue } from '../../main/engine/catalogue/catalogue';
import { importDataset, listDatasets, loadDataset } from '../../main/engine/datasets/store';
import { importModel } from '../../main/engine/models/store';
import { SHARED_DATA } from '../helpers/data';
import { tempDir } from '../helpers/paths';
import { writeTinyHfFolder } from '../helpers/tiny-models';

const HH = path.join(SHARED_DATA, 'preference', 'hh-rlhf');
const HELPFUL = path.join(HH, 'helpful-base-test.jsonl.gz');
const HELPFUL_200 = path.join(HH, 'helpful-base-test-200.jsonl');
const SEED_TASKS = path.join(SHARED_DATA, 'sft', 'self-instruct', 'seed_tasks.jsonl');

const files = tempDir('datasets-files');
function write(name: string, content: string | Buffer): string {
  const file = path.join(files, name);
  writeFileSync(file, content);
  return file;
}

/** A workspace path that does not exist yet, so that "nothing written" can be checked as "not created". */
function freshWorkspace(): string {
  return path.join(tempDir('datasets-ws'), 'workspace');
}

describe('hh-rlhf helpful-base test split (2,354 pairs, prompt implicit)', () => {
  const workspace = freshWorkspace();

  it('reads every pair and splits out its prompt; the two ties (chosen == rejected) are errors, so nothing is written', async () => {
    const { report, record } = await importDataset(workspace, HELPFUL, { kind: 'preference' });
    expect(record).toBeUndefined();
    expect(report).toMatchObject({ kind: 'preference', format: 'standard', layout: 'hh-rlhf', fileFormat: 'jsonl' });
    expect(report).toMatchObject({ gzip: true, rows: 2354, invalid: 2, accepted: 0, imported: false });
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([
      { line: 722, field: 'rejected', message: 'is the same as chosen', severity: 'error' },
      { line: 2169, field: 'rejected', message: 'is the same as chosen', severity: 'error' },
    ]);
    // Four rejected replies are a single space: kept, but reported.
    const warnings = report.problems.filter((p) => p.severity === 'warning');
    expect(warnings.map((p) => [p.line, p.field])).toEqual([
      [121, 'rejected'],
      [741, 'rejected'],
      [1215, 'rejected'],
      [2064, 'rejected'],
    ]);
    expect(existsSync(workspace)).toBe(false);
  });

  it('with --drop-invalid imports the other 2,352, split as the derived 200-pair file splits them', async () => {
    const { report, record } = await importDataset(workspace, HELPFUL, { kind: 'preference', dropInvalid: true });
    expect(report).toMatchObject({ rows: 2354, accepted: 2352, imported: true });
    expect(record).toMatchObject({ name: 'helpful-base-test', kind: 'preference', layout: 'hh-rlhf', accepted: 2352 });
    const loaded = await loadDataset(workspace, 'helpful-base-test');
    if (loaded.kind !== 'preference') throw new Error(`expected preference, got ${loaded.kind}`);
    expect(loaded.rows).toHaveLength(2352);
    const derived = readFileSync(HELPFUL_200, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(loaded.rows[0]).toEqual(derived[0]);
    for (const row of loaded.rows) expect(row.prompt as string).toMatch(/^\n\nHuman: [\s\S]*\n\nAssistant:$/);
    expect(readdirSync(path.join(workspace, 'datasets'))).toEqual(['helpful-base-test']);
  });

  it('the derived file (explicit prompts) imports whole, and a second import under the same name is refused', async () => {
    const { report } = await importDataset(workspace, HELPFUL_200, { kind: 'preference' });
    expect(report).toMatchObject({ layout: 'trl', rows: 200, accepted: 200, invalid: 0 });
    await expect(importDataset(workspace, HELPFUL_200, {})).rejects.toThrow(/"helpful-base-test-200" already exists/);
    expect((await listDatasets(workspace)).map((d) => d.name)).toEqual(['helpful-base-test', 'helpful-base-test-200']);
  });
});

describe('self-instruct seed tasks (instruction + instances)', () => {
  it('are supported: one prompt-completion row per instance, instruction and input joined by a blank line', async () => {
    const workspace = freshWorkspace();
    const { report } = await importDataset(workspace, SEED_TASKS, { kind: 'sft' });
    expect(report).toMatchObject({ kind: 'prompt_completion', layout: 'self-instruct', rows: 175, accepted: 175 });
    const loaded = await loadDataset(workspace, 'seed_tasks');
    const first = JSON.parse(readFileSync(SEED_TASKS, 'utf8').split('\n')[1] as string);
    const instance = first.instances[0];
    expect(loaded.rows[1]).toEqual({
      prompt: `${first.instruction}\n\n${instance.input}`,
      completion: instance.output,
    });
  });
});

describe('bad data: a precise report, and nothing written', () => {
  const good = (i: number) => JSON.stringify({ prompt: `Q${i}`, chosen: ' yes', rejected: ' no' });
  const cases: Array<[string, string, string | Buffer, object[]]> = [
    [
      'invalid JSON on one line',
      'json.jsonl',
      [good(1), '{"prompt": "Q2", "chosen": ', good(3)].join('\n'),
      [{ line: 2, field: null, message: expect.stringMatching(/^is not valid JSON/) }],
    ],
    [
      'a missing and an empty chosen',
      'chosen.jsonl',
      [good(1), '{"prompt":"Q2","rejected":" no"}', '{"prompt":"Q3","chosen":"","rejected":" no"}'].join('\n'),
      [
        { line: 2, field: 'chosen', message: 'is missing' },
        { line: 3, field: 'chosen', message: 'is empty' },
      ],
    ],
    [
      'chosen == rejected',
      'tie.jsonl',
      [good(1), '{"prompt":"Q2","chosen":" same","rejected":" same"}'].join('\n'),
      [{ line: 2, field: 'rejected', message: 'is the same as chosen' }],
    ],
    [
      'a non-string field',
      'type.jsonl',
      [
        good(1),
        '{"prompt":["Q2"],"chosen":" a","rejected":" b"}',
        '{"prompt":"Q3","chosen":true,"rejected":" b"}',
      ].join('\n'),
      [
        { line: 2, field: 'prompt[0]', message: 'must be an object, not text' },
        { line: 3, field: 'chosen', message: 'must be text or a list of {role, content} messages, not a boolean' },
      ],
    ],
    [
      'non-UTF-8 bytes',
      'bytes.jsonl',
      Buffer.concat([
        Buffer.from(`${good(1)}\n{"prompt":"caf`),
        Buffer.from([0xe9]),
        Buffer.from(`","chosen":" a","rejected":" b"}\n`),
      ]),
      [{ line: 2, field: null, message: 'has bytes that are not UTF-8' }],
    ],
    ['an empty file', 'empty.jsonl', '', [{ line: 0, field: null, message: 'the file is empty' }]],
    [
      'a CSV with the wrong header',
      'header.csv',
      'question,answer\n"Q1","yes"\n',
      [
        {
          line: 0,
          field: null,
          message: expect.stringMatching(/^the columns \(question, answer\) do not make a preference/),
        },
      ],
    ],
  ];

  it.each(cases)('%s', async (_, name, content, expected) => {
    const workspace = freshWorkspace();
    const result = await importDataset(workspace, write(name, content), { kind: 'preference' });
    expect(result.record).toBeUndefined();
    expect(result.report.imported).toBe(false);
    expect(result.report.problems).toEqual(expected.map((p) => ({ ...p, severity: 'error' })));
    expect(existsSync(workspace)).toBe(false);
  });

  it('--drop-invalid imports the valid rows; problems of the whole file cannot be dropped', async () => {
    const workspace = freshWorkspace();
    const file = write('mixed.jsonl', [good(1), '{"prompt": oops', good(3)].join('\n'));
    const { report } = await importDataset(workspace, file, { kind: 'preference', dropInvalid: true });
    expect(report).toMatchObject({ rows: 3, accepted: 2, invalid: 1, imported: true });
    expect((await loadDataset(workspace, 'mixed')).rows.map((row) => 'prompt' in row && row.prompt)).toEqual([
      'Q1',
      'Q3',
    ]);
    const empty = await importDataset(workspace, write('nothing.jsonl', ''), { dropInvalid: true });
    expect(empty.report.imported).toBe(false);
  });
});

describe('rows longer than max_length, counted by a workspace model’s tokenizer', () => {
  const workspace = freshWorkspace();
  beforeAll(async () => {
    const { folder } = await writeTinyHfFolder('llama');
    await importModel(workspace, folder, { name: 'tiny' });
  });
  const file = write(
    'long.jsonl',
    [
      { prompt: 'the cat', completion: 'sat' },
      { prompt: 'a dog', completion: 'ran on the mat' },
      { prompt: 'the cat sat on the mat', completion: 'a dog ran on a mat .' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  );

  it('are errors reported with the histogram, and nothing is imported', async () => {
    const { report } = await importDataset(workspace, file, { kind: 'sft', model: 'tiny', maxLength: 8 });
    expect(report.imported).toBe(false);
    expect(report.problems).toEqual([
      {
        line: 3,
        field: 'completion',
        message: 'is 15 tokens (prompt 7 + completion 8); max_length is 8',
        severity: 'error',
      },
    ]);
    expect(report.histogram).toEqual({
      maxLength: 8,
      buckets: [
        { from: 1, to: 1, count: 0 },
        { from: 2, to: 2, count: 0 },
        { from: 3, to: 3, count: 0 },
        { from: 4, to: 4, count: 0 },
        { from: 5, to: 5, count: 1 },
        { from: 6, to: 6, count: 0 },
        { from: 7, to: 7, count: 0 },
        { from: 8, to: 8, count: 1 },
        { from: 9, to: 15, count: 1 },
      ],
      over: 1,
      longest: 15,
    });
    expect((await listDatasets(workspace)).length).toBe(0);
    expect(existsSync(path.join(workspace, 'datasets'))).toBe(false);
  });

  it('with --truncate are kept, and the record says so and with which limit', async () => {
    const { record } = await importDataset(workspace, file, {
      kind: 'sft',
      model: 'tiny',
      maxLength: 8,
      truncate: true,
    });
    expect(record).toMatchObject({ accepted: 3, truncated: 1, maxLength: 8, tokenizerModel: 'tiny' });
  });

  it('a max length needs a model, and the model must exist', async () => {
    await expect(importDataset(workspace, file, { maxLength: 8, name: 'x' })).rejects.toThrow(/pass --model/);
    await expect(importDataset(workspace, file, { maxLength: 8, model: 'nope', name: 'x' })).rejects.toThrow(
      /no model named "nope"/,
    );
  });
});

describe('the catalogue', () => {
  it('reads an older catalogue without a datasets list and adds to it', async () => {
    const workspace = tempDir('datasets-old');
    writeFileSync(path.join(workspace, 'catalogue.json'), JSON.stringify({ version: 1, models: [] }));
    expect(await listDatasets(workspace)).toEqual([]);
    await importDataset(workspace, write('old.jsonl', '{"text":"a"}\n'), {});
    const catalogue = await Catalogue.open(workspace);
    expect(catalogue.datasets().map((d) => [d.name, d.kind, d.accepted])).toEqual([['old', 'language_modeling', 1]]);
    await expect(loadDataset(workspace, 'missing')).rejects.toThrow(/no dataset named "missing"/);
  });
});
