/**
 * `awb demo --quick` as a user runs it on a fresh workspace, with the shipped base model: every stage runs as a
 * workspace run, and the table has one row per pipeline with the SPEC §7 fields.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_QUICK_STAGES } from '../../main/engine/demo/stages';
import { awb } from '../helpers/cli';
import { AWB_BIN, ROOT, requireBuild, tempDir } from '../helpers/paths';

/** The demo trains three stages: give it more than the helper's 60 s on a busy 2-core machine. */
function demo(args: string[]) {
  const result = spawnSync(process.execPath, [AWB_BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workspace = path.join(tempDir('cli-demo'), 'ws');
let rows: Array<Record<string, unknown>> = [];
let first: ReturnType<typeof demo>;

beforeAll(() => {
  requireBuild();
  first = demo(['--workspace', workspace, 'demo', '--quick', '--json']);
  rows = JSON.parse(first.stdout.trim().split('\n').at(-1) as string).rows;
}, 180_000);

describe('awb demo --quick --json', () => {
  it('exits 0 and ends with {"rows": [...]}: one row per pipeline, with the SPEC §7 fields', () => {
    expect(first.status).toBe(0);
    expect(rows.map((row) => row.pipeline)).toEqual([
      'base',
      'base → SFT',
      'base → SFT → DPO',
      'base → SFT → RM',
      'base → SFT → RM → PPO',
      'base → SFT → RLAIF → DPO',
    ]);
    for (const row of rows) {
      for (const key of ['pipeline', 'oracle_score', 'gain_over_sft', 'wall_seconds', 'cost_vs_sft', 'peak_memory_mb'])
        expect(row).toHaveProperty(key);
      expect(row.peak_memory_mb).toBeGreaterThan(50);
    }
  });

  it('scores base, SFT and DPO on the held-out prompts, and the reward model on held-out pairs', () => {
    const [base, sft, dpo, rm, ppo, rlaifDpo] = rows as Array<Record<string, number | null>>;
    for (const row of [base, sft, dpo, ppo, rlaifDpo]) {
      expect(row?.oracle_score).toBeGreaterThanOrEqual(0);
      expect(row?.oracle_score).toBeLessThanOrEqual(1);
      expect(row?.gain_over_sft).toBeCloseTo((row?.oracle_score as number) - (sft?.oracle_score as number), 9);
    }
    expect(sft?.gain_over_sft).toBe(0);
    expect(rm?.oracle_score).toBeNull();
    expect(rm?.rm_accuracy).toBeGreaterThanOrEqual(0);
    expect(rm?.rm_accuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(ppo?.kl)).toBe(true);
  });

  it('ran every stage for its steps, timed on its own', () => {
    const [base, sft, dpo, rm, ppo, rlaifDpo] = rows as Array<Record<string, number | null>>;
    expect(base).toMatchObject({ steps: 0, wall_seconds: 0, cost_vs_sft: null });
    expect(sft?.steps).toBe(DEMO_QUICK_STAGES.sft.config.max_steps);
    expect(dpo?.steps).toBe(DEMO_QUICK_STAGES.dpo.config.max_steps);
    expect(rm?.steps).toBe(DEMO_QUICK_STAGES.rm.config.max_steps);
    expect(sft?.cost_vs_sft).toBe(1);
    expect(ppo?.steps).toBe(DEMO_QUICK_STAGES.ppo.config.max_steps);
    expect(rlaifDpo?.steps).toBe(DEMO_QUICK_STAGES['rlaif-dpo'].config.max_steps);
    for (const row of [sft, dpo, rm, ppo, rlaifDpo]) expect(row?.wall_seconds).toBeGreaterThan(0);
    expect(dpo?.cost_vs_sft).toBeCloseTo((dpo?.wall_seconds as number) / (sft?.wall_seconds as number), 9);
    // RLHF's cost counts the reward model and PPO.
    expect(ppo?.wall_seconds).toBeGreaterThan(rm?.wall_seconds as number);
  });

  it('left the workspace content: the base model, lineage base → SFT → DPO / RM, datasets, completed runs', () => {
    const { models } = JSON.parse(awb(['--workspace', workspace, 'models', 'list', '--json']).stdout);
    const parents = Object.fromEntries(models.map((m: { name: string; parent?: string }) => [m.name, m.parent]));
    expect(parents).toEqual({
      'demo-base': undefined,
      'demo-quick-1-sft': 'demo-base',
      'demo-quick-1-dpo': 'demo-quick-1-sft',
      'demo-quick-1-rm': 'demo-quick-1-sft',
      'demo-quick-1-ppo': 'demo-quick-1-sft',
      'demo-quick-1-rlaif-dpo': 'demo-quick-1-sft',
    });
    const { datasets } = JSON.parse(awb(['--workspace', workspace, 'datasets', 'list', '--json']).stdout);
    expect(datasets.map((d: { name: string }) => d.name).sort()).toEqual([
      'demo-quick-1-rlaif',
      'demo-quick-eval-prompts',
      'demo-quick-preference',
      'demo-quick-rm-heldout',
      'demo-quick-sft',
    ]);
    expect(existsSync(path.join(workspace, 'demo', 'demo-quick-sft.jsonl'))).toBe(true);
    const { runs } = JSON.parse(awb(['--workspace', workspace, 'runs', 'list', '--json']).stdout);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(new Array(6).fill('completed'));
  });
});

describe('awb demo --quick again, as a table', () => {
  it('reuses the content, trains new models (demo-quick-2) and prints the table', () => {
    const second = demo(['--workspace', workspace, 'demo', '--quick']);
    expect(second.status).toBe(0);
    const lines = second.stdout.split('\n');
    expect(lines[0]).toMatch(/^demo demo-quick-2: oracle score on \d+ held-out prompts/);
    expect(lines[1]).toMatch(
      /^pipeline\s+oracle\s+gain vs SFT\s+RM accuracy\s+KL\s+steps\s+wall\s+cost vs SFT\s+peak RSS$/,
    );
    expect(lines[2]).toMatch(/^base\s+\d\.\d{3}\s+[-+]\d\.\d{3}\s+-\s+-\s+0\s+0\.0 s\s+-\s+\d+ MB$/);
    expect(lines[5]).toMatch(/^base → SFT → RM\s+-\s+-\s+\d\.\d{3}\s+-\s+\d+\s+[\d.]+ s\s+[\d.]+×\s+\d+ MB$/);
    expect(lines[6]).toMatch(/^base → SFT → RM → PPO\s+\d\.\d{3}\s+[-+]\d\.\d{3}\s+-\s+-?\d\.\d{3}\s+\d+\s+[\d.]+ s/);
    const { datasets } = JSON.parse(awb(['--workspace', workspace, 'datasets', 'list', '--json']).stdout);
    expect(datasets).toHaveLength(6); // the demo's four, and each run's RLAIF pairs
  }, 180_000);
});

describe('awb demo --seed', () => {
  it('refuses a seed that is not a whole number, with exit code 2', () => {
    const result = awb(['--workspace', workspace, 'demo', '--quick', '--seed', 'x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--seed takes a whole number/);
  });
});
