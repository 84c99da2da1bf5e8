/** `awb` as a user runs it: exit codes 0/1/2, JSON output, clear messages. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { awb } from '../helpers/cli';
import { requireBuild, tempDir } from '../helpers/paths';

describe('awb info', () => {
  beforeAll(() => requireBuild());

  it('prints the engine info as one JSON object, with the workspace from --workspace', () => {
    const workspace = tempDir('cli');
    const result = awb(['--workspace', workspace, 'info', '--json']);
    expect(result.status).toBe(0);
    const info = JSON.parse(result.stdout);
    expect(info.workspace).toBe(workspace);
    expect(info.backends.map((b: { name: string }) => b.name)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    const active = info.backends.find((b: { name: string }) => b.name === info.backend);
    expect(active.available).toBe(true);
    for (const backend of info.backends) expect(backend.detail.length).toBeGreaterThan(0);
    expect(info.devices[0]).toMatchObject({ kind: 'cpu' });
    // Reading info creates nothing in the workspace.
    expect(existsSync(path.join(workspace, 'catalogue.json'))).toBe(false);
  });

  it('takes the workspace from AWB_WORKSPACE when --workspace is absent', () => {
    const workspace = tempDir('cli-env');
    const info = JSON.parse(awb(['info', '--json'], { AWB_WORKSPACE: workspace }).stdout);
    expect(info.workspace).toBe(workspace);
  });

  it('prints a readable report without --json', () => {
    const result = awb(['info']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Alignment Workbench \d+\.\d+\.\d+/);
    expect(result.stdout).toMatch(/backend: +\w+/);
    expect(result.stdout).toContain('tensorflow');
  });

  it('honours AWB_BACKEND', () => {
    const info = JSON.parse(awb(['info', '--json'], { AWB_BACKEND: 'cpu' }).stdout);
    expect(info).toMatchObject({ backend: 'cpu', forced: true });
  });

  it('exits 2 naming the valid choices when AWB_BACKEND is not a backend', () => {
    const result = awb(['info'], { AWB_BACKEND: 'nonsense' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('valid choices: tensorflow, webgpu, wasm, cpu');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with the reason when the forced backend cannot run here', () => {
    const info = JSON.parse(awb(['info', '--json']).stdout);
    const unavailable = info.backends.find((b: { available: boolean }) => !b.available);
    if (!unavailable) {
      console.log('every backend is available on this machine: nothing to force that fails');
      return;
    }
    const result = awb(['info'], { AWB_BACKEND: unavailable.name });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`backend ${unavailable.name} was forced (AWB_BACKEND) but is unavailable`);
  });
});

describe('awb usage', () => {
  it('exits 2 with the usage for an unknown command', () => {
    const result = awb(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('usage: awb');
  });

  it('exits 2 for an unknown option', () => {
    const result = awb(['info', '--colour']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--colour'");
  });

  it('exits 2 with the usage when no command is given, 0 for --help', () => {
    expect(awb([]).status).toBe(2);
    const help = awb(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('commands:');
  });
});

describe('awb serve refuses unsafe or invalid settings', () => {
  it('refuses a non-loopback host without --token', () => {
    const result = awb(['serve', '--host', '0.0.0.0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without --token');
  });

  it('refuses a bad port and a forced backend that is not one', () => {
    expect(awb(['serve', '--port', '99999']).status).toBe(2);
    const result = awb(['serve'], { AWB_BACKEND: 'gpu' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('valid choices');
  });
});

describe('awb bench', () => {
  it('measures matmul, forward and generation rates on the active backend', () => {
    const result = awb(['bench', '--json', '--quick']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.backend).toMatch(/^(tensorflow|webgpu|wasm|cpu)$/);
    expect(report.matmul.map((r: { name: string }) => r.name)).toContain('[256,1024]ᵀ·[256,256] transposeA');
    expect(report.forward.map((r: { shape: string }) => r.shape)).toEqual(['stories260K', 'gpt2-4x256']);
    for (const row of report.forward)
      expect(row.tokensPerSecond).toBeCloseTo((row.batch * row.tokens) / (row.medianMs / 1000), 6);
    expect(report.generation.map((r: { path: string }) => r.path)).toEqual(['tfjs', 'onnx']);
    for (const row of report.generation) expect(row.tokensPerSecond).toBeGreaterThan(0);
    expect(report.training.map((r: { method: string }) => r.method)).toEqual([
      'sft',
      'reward',
      'dpo',
      'sft',
      'reward',
      'dpo',
    ]);
    for (const row of report.training) expect(row.tokensPerSecond).toBeCloseTo(row.tokens / (row.medianMs / 1000), 6);
    for (const row of report.matmul) {
      expect(row.medianMs).toBeGreaterThan(0);
      expect(row.gflops).toBeCloseTo(
        (2 * (row.transposeA ? row.a[1] : row.a[0]) * (row.transposeA ? row.a[0] : row.a[1]) * row.b[1]) /
          (row.medianMs * 1e6),
        6,
      );
    }
  }, 180_000);
});
