/** `awb datasets import|list` as a user runs them: the real hh-rlhf file, bad data, max_length, usage errors. */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../main/engine/models/store';
import { awb } from '../helpers/cli';
import { SHARED_DATA } from '../helpers/data';
import { requireBuild, tempDir } from '../helpers/paths';
import { writeTinyHfFolder } from '../helpers/tiny-models';

const HELPFUL = path.join(SHARED_DATA, 'preference', 'hh-rlhf', 'helpful-base-test.jsonl.gz');
const files = tempDir('cli-datasets-files');

function write(name: string, content: string): string {
  const file = path.join(files, name);
  writeFileSync(file, content);
  return file;
}

beforeAll(() => requireBuild());

describe('awb datasets import on hh-rlhf', () => {
  const workspace = path.join(tempDir('cli-datasets'), 'ws');

  it('--json reports every row, the ties as errors with their lines, and exits 2 writing nothing', () => {
    const result = awb(['--workspace', workspace, 'datasets', 'import', HELPFUL, '--kind', 'preference', '--json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not imported: 2 invalid rows; .*--drop-invalid to import the other 2,352/);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ name: 'helpful-base-test', kind: 'preference', format: 'standard', rows: 2354 });
    expect(report.accepted).toBe(0);
    const errors = report.problems.filter((p: { severity: string }) => p.severity === 'error');
    expect(errors.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [722, 'rejected'],
      [2169, 'rejected'],
    ]);
    expect(existsSync(workspace)).toBe(false);
  });

  it('--drop-invalid imports the 2,352 other pairs, and list shows the dataset', () => {
    const args = ['--workspace', workspace, 'datasets', 'import', HELPFUL, '--kind', 'preference', '--drop-invalid'];
    const result = awb(args);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/preference \(standard\), hh-rlhf layout/);
    expect(result.stdout).toMatch(/imported helpful-base-test: 2,352 of 2,354 rows \(2 invalid dropped\)/);
    const { datasets } = JSON.parse(awb(['--workspace', workspace, 'datasets', 'list', '--json']).stdout);
    expect(datasets).toMatchObject([{ name: 'helpful-base-test', kind: 'preference', accepted: 2352, rows: 2354 }]);
    expect(existsSync(path.join(workspace, 'datasets', 'helpful-base-test', 'rows.jsonl'))).toBe(true);
  });
});

describe('awb datasets import on bad data', () => {
  it('names the line of invalid JSON in the human report and exits 2 with nothing written', () => {
    const workspace = path.join(tempDir('cli-datasets-bad'), 'ws');
    const file = write('bad.jsonl', '{"prompt":"Q","completion":" A"}\n{"prompt": "Q2",\n');
    const result = awb(['--workspace', workspace, 'datasets', 'import', file]);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/line 2\s+error\s+is not valid JSON/);
    expect(result.stderr).toMatch(/not imported: 1 invalid rows/);
    expect(existsSync(workspace)).toBe(false);
  });

  it('prints rows over max_length and the token-length histogram', async () => {
    const workspace = tempDir('cli-datasets-long');
    const { folder } = await writeTinyHfFolder('llama');
    await importModel(workspace, folder, { name: 'tiny' });
    const rows = ['{"text":"the cat sat"}', '{"text":"a dog ran on the mat . the cat sat on a mat ."}'];
    const file = write('long.jsonl', rows.join('\n'));
    const result = awb(['--workspace', workspace, 'datasets', 'import', file, '--max-length', '8', '--model', 'tiny']);
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/line 2\s+error\s+text: is 16 tokens \(text 16\); max_length is 8/);
    expect(result.stdout).toMatch(/token lengths \(max_length 8\):/);
    expect(result.stdout).toMatch(/> 8\s+█+ 1 \(longest 16\)/);
    expect(result.stderr).toMatch(/--truncate to keep rows over max_length/);
    expect(existsSync(path.join(workspace, 'datasets'))).toBe(false);
  });

  it('refuses an unknown --kind and a missing file with exit 2', () => {
    const workspace = tempDir('cli-datasets-usage');
    const kind = awb([
      '--workspace',
      workspace,
      'datasets',
      'import',
      write('ok.jsonl', '{"text":"a"}'),
      '--kind',
      'rlhf',
    ]);
    expect(kind.status).toBe(2);
    expect(kind.stderr).toMatch(/--kind must be one of sft, preference, prompts, unpaired/);
    const missing = awb(['--workspace', workspace, 'datasets', 'import', path.join(files, 'nope.jsonl')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: no such file/);
  });
});
